package io.connectors.api.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.FakeTool.Seen;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.connectors.api.support.RawHttp;
import io.connectors.api.support.RawHttp.Answer;
import io.connectors.api.support.RawHttp.Conversation;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-request corpus ({@code src/test/resources/hostile/cases.tsv}), one test per case,
 * sent byte for byte on a raw socket to the gateway, against three Connectors on the recording
 * fake tool: proxy mode with a basic-auth Secret ({@code /tool-p}), proxy mode with a bearer-token
 * Secret ({@code /tool-b}), and a class with a custom API ({@code /custom}, its tool at
 * {@code /tool-a}). Each case checks the statuses on the connection (a pipeline has several; a
 * hang is a failure), that every error the gateway wrote is a Status without a stack trace, how
 * many requests the tool saw (a smuggled one shows up here, or as a late arrival at the next case),
 * and, for every request the tool saw, that it carried exactly the Connector's credentials and
 * nothing of the caller's: no caller token, cookie, spoofed identity or plugin header, no
 * {@code evil} marker, the tool's own Host. Then {@link #noCredentialLeavesItsPlace} scans every
 * answer, every log record of the run (all levels) and {@code /q/metrics} for every Secret value
 * and caller token.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileCorpusTest extends GatewayTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(8);
    private static final String WRITE_PASSTHROUGH = "enable-connector-apis-write-passthrough";
    private static final String API_OPENAPI = """
            {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
              "/custom-api": {"get": {"x-provider-type": "api"}},
              "/items/{id}": {"get": {"x-provider-type": "api"}, "post": {"x-provider-type": "api"}},
              "/tool-side": {"get": {}}
            }}""";
    /**
     * Loggers lowered to DEBUG for the run (and restored), so that debug lines are scanned too. DEBUG
     * is the floor of the build ({@code quarkus.log.min-level}): TRACE cannot be turned on at run time.
     */
    private static final List<String> VERBOSE_CATEGORIES = List.of("io.connectors", "connectors", "io.vertx",
            "io.quarkus.vertx", "io.netty", "io.fabric8.kubernetes");
    private static final Pattern AUTHORITY = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]+)?");
    private static final Pattern STACK_TRACE = Pattern.compile("(?i)exception|\\tat [a-z]|\\.java:\\d");

    /** The corpus's world, made once: Secrets, Connectors, tokens. */
    private static World world;
    private static final LogCapture LOGS = new LogCapture();
    /** Every answer of the corpus (heads, and bodies the gateway wrote), for the leak scan. */
    private static final List<String> ANSWERS = new CopyOnWriteArrayList<>();
    /** Invalid tokens the corpus sent (bad ones are credentials of someone too). */
    private static final Set<String> SENT_TOKENS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static int toolHistoryAfterLastCase = -1;
    private static String lastCase;
    private static int casesRun;
    private static boolean writesOn;

    record World(String namespace, String className, String apiClassName, Map<String, String> connectors,
            Map<String, String> values, Map<String, String> expectedAuthorization, String apiUser, String toolAuthority,
            List<String> secretValues, List<String> callerTokens) {
    }

    static Stream<HostileCase> cases() {
        return HostileCase.load().stream();
    }

    @BeforeEach
    void world() {
        LOGS.install();
        if (world == null) {
            world = createWorld();
        }
    }

    @AfterAll
    static void restoreLogging() {
        LOGS.uninstall();
    }

    private World createWorld() {
        String mark = java.util.UUID.randomUUID().toString().substring(0, 8);
        String namespace = Fixtures.unique("hostile");
        String plain = Fixtures.unique("hostile-plain");
        String apiClass = Fixtures.unique("hostile-api");
        fixtures.connectorClass(plain, null);
        fixtures.connectorClass(apiClass, new ApiSpec(null, tool.url() + "/custom", ModelFixtures.json(API_OPENAPI)));

        String proxyUser = "hostile-proxy-user-" + mark;
        String proxyPassword = "hostile-proxy-password-" + java.util.UUID.randomUUID();
        String apiUser = "hostile-api-user-" + mark;
        String apiPassword = "hostile-api-password-" + java.util.UUID.randomUUID();
        String toolToken = "hostile-tool-token-" + java.util.UUID.randomUUID();
        fixtures.secret(namespace, "proxy-creds", "kubernetes.io/basic-auth",
                Map.of("username", proxyUser, "password", proxyPassword));
        fixtures.secret(namespace, "api-creds", "kubernetes.io/basic-auth",
                Map.of("username", apiUser, "password", apiPassword));
        fixtures.secret(namespace, "bearer-creds", "connectors.cpaas.io/bearer-token", Map.of("token", toolToken));
        fixtures.connector(namespace, "proxied", plain, tool.url() + "/tool-p", "proxy-creds", null);
        fixtures.connector(namespace, "bearer", plain, tool.url() + "/tool-b", "bearer-creds", null);
        fixtures.connector(namespace, "custom", apiClass, tool.url() + "/tool-a", "api-creds", null);

        String token = FakeKubeAuth.newToken("hostile");
        String token2 = FakeKubeAuth.newToken("hostile2");
        String stranger = FakeKubeAuth.newToken("stranger");
        for (String granted : List.of(token, token2)) {
            for (String connector : List.of("proxied", "bearer", "custom")) {
                FakeKubeAuth.grantGet(granted, namespace, connector);
            }
        }

        Map<String, String> values = new HashMap<>();
        values.put("PORT", Integer.toString(RestAssured.port));
        values.put("HOST", "127.0.0.1:" + RestAssured.port);
        values.put("TOOLHOST", tool.url().substring("http://".length()));
        values.put("NS", namespace);
        values.put("TOKEN", token);
        values.put("TOKEN2", token2);
        values.put("STRANGER", stranger);
        values.put("UNKNOWN", "evil-unknown-token-" + java.util.UUID.randomUUID());
        values.put("API", "/connectors/v1alpha1/{NS}/{C}/path");
        values.put("LEGACY", "/connectors/v1alpha1/namespaces/{NS}/connectors/{C}/resources");
        values.put("OPENAPI", "/connectors/v1alpha1/{NS}/{C}/openapi");
        values.put("CLASSAPI", "/connectors/v1alpha1/connectorclasses/{CLASS}/openapi");
        values.put("VERSION", "/connectors/version");
        values.put("H", "Host: {HOST}\\r\\nAuthorization: Bearer {TOKEN}\\r\\n");
        values.put("END", "Connection: close\\r\\n\\r\\n");
        values.put("WS", "Upgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n");
        values.put("BASIC", basic("evil-user", "evil-password"));

        Map<String, String> connectors = Map.of("proxy", "proxied", "bearer", "bearer", "api", "custom",
                "none", "proxied");
        Map<String, String> expectedAuthorization = Map.of(
                "/tool-p", "Basic " + basic(proxyUser, proxyPassword),
                "/tool-b", "Bearer " + toolToken,
                "/tool-a", "Basic " + basic(apiUser, apiPassword));
        List<String> secretValues = List.of(proxyUser, proxyPassword, apiUser, apiPassword, toolToken,
                basic(proxyUser, proxyPassword), basic(apiUser, apiPassword), b64(proxyPassword), b64(apiPassword),
                b64(toolToken), b64(apiUser), b64(proxyUser));
        return new World(namespace, plain, apiClass, connectors, values, expectedAuthorization, apiUser,
                tool.url().substring("http://".length()), secretValues, List.of(token, token2, stranger));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileRequest(HostileCase hostile) {
        List<Seen> history = tool.history();
        if (toolHistoryAfterLastCase >= 0) {
            assertThat(history.subList(toolHistoryAfterLastCase, history.size()))
                    .as("requests the tool saw after case %s had been answered (smuggled or late)", lastCase).isEmpty();
        }
        setWrites(hostile.flags().contains("w"));

        Map<String, String> values = new HashMap<>(world.values());
        values.put("C", world.connectors().get(hostile.mode()));
        values.put("CLASS", hostile.mode().equals("api") ? world.apiClassName() : world.className());
        String request = hostile.expand(values);
        collectSentTokens(request);

        int before = tool.history().size();
        Conversation conversation = RawHttp.converse(request, READ_TIMEOUT, hostile.statuses().size());
        List<Seen> seen = new ArrayList<>(tool.history().subList(before, tool.history().size()));
        toolHistoryAfterLastCase = before + seen.size();
        lastCase = hostile.id();
        casesRun++;
        record(conversation);
        if (Boolean.getBoolean("hostile.print")) {
            // Prints what the gateway answered, to write a new case's expectations from (after checking them).
            System.out.println("HOSTILE\t" + hostile.id() + "\t" + conversation.statuses() + "\t" + seen.size() + "\t"
                    + (seen.isEmpty() ? "-" : seen.get(0).uri()) + "\t" + conversation.timedOut());
        }

        String context = hostile.id() + "\n--- sent ---\n" + printable(request) + "\n--- answered ---\n"
                + printable(conversation.raw());
        boolean upgraded = conversation.statuses().contains(101);
        assertThat(conversation.timedOut() && !upgraded).as("the gateway hung (no close, no answer within %s): %s",
                READ_TIMEOUT, context).isFalse();
        assertThat(conversation.statuses()).as("statuses of %s", context).isEqualTo(hostile.statuses());
        for (int i = 0; i < conversation.answers().size(); i++) {
            checkAnswer(conversation.answers().get(i), hostile.bare().get(i), context);
        }
        assertThat(seen).as("requests the tool saw for %s", context).hasSize(hostile.toolRequests());
        for (Seen one : seen) {
            checkWhatTheToolSaw(one, context);
        }
        if (hostile.toolUri() != null) {
            assertThat(seen).as("the tool's request for %s", context).isNotEmpty();
            assertThat(seen.get(0).uri()).as("what the tool saw for %s", context)
                    .isEqualTo(HostileCase.expand(hostile.toolUri(), values));
        }
    }

    @Order(2)
    @Test
    void noCredentialLeavesItsPlace() {
        assertThat(casesRun).as("the corpus runs first (run the whole class)").isEqualTo(HostileCase.load().size());
        setWrites(false);
        // The gateway's own lines are flushed by then: nothing on the request path logs asynchronously in %test.
        List<String> secrets = new ArrayList<>(world.secretValues());
        List<String> tokens = new ArrayList<>(world.callerTokens());
        tokens.addAll(SENT_TOKENS);
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> logLines = LOGS.lines();
        assertThat(logLines).as("log records captured during the corpus").isNotEmpty();
        assertThat(ANSWERS).hasSizeGreaterThanOrEqualTo(casesRun);

        List<String> leaks = new ArrayList<>();
        for (String value : concat(secrets, tokens)) {
            for (String answer : ANSWERS) {
                if (answer.contains(value)) {
                    leaks.add("an answer carries " + describe(value) + ": " + printable(answer));
                }
            }
            for (String line : logLines) {
                if (line.contains(value)) {
                    leaks.add("a log line carries " + describe(value) + ": " + line);
                }
            }
            if (metrics.contains(value)) {
                leaks.add("/q/metrics carries " + describe(value));
            }
        }
        assertThat(leaks).as("credentials out of their place (%d answers, %d log lines, %d bytes of metrics scanned)",
                ANSWERS.size(), logLines.size(), metrics.length()).isEmpty();
    }

    private void setWrites(boolean on) {
        if (on != writesOn) {
            fixtures.flag(WRITE_PASSTHROUGH, on);
            writesOn = on;
        }
    }

    /** Every answer is scanned later; bodies the tool wrote (its echo of what it received) are the tool's words. */
    private static void record(Conversation conversation) {
        for (Answer answer : conversation.answers()) {
            String body = answer.body();
            boolean toolEcho = body.startsWith("{\"method\":");
            ANSWERS.add(toolEcho ? answer.text().substring(0, answer.text().length() - body.length()) : answer.text());
        }
        if (conversation.answers().isEmpty() && !conversation.raw().isEmpty()) {
            ANSWERS.add(conversation.raw());
        }
    }

    private void checkAnswer(Answer answer, boolean bare, String context) {
        assertThat(STACK_TRACE.matcher(answer.text()).find()).as("a stack trace in the answer to %s", context).isFalse();
        for (String token : world.callerTokens()) {
            assertThat(answer.text()).as("the caller's token in the answer to %s", context).doesNotContain(token);
        }
        if (answer.status() >= 400 && !bare) {
            JsonObject status = new JsonObject(answer.body());
            assertThat(status.getString("kind")).as("a Status answers %s", context).isEqualTo("Status");
            assertThat(status.getInteger("code")).as("the Status code of %s", context).isEqualTo(answer.status());
            assertThat(answer.text().toLowerCase(Locale.ROOT)).as("a Status is JSON: %s", context)
                    .contains("content-type: application/json");
        }
    }

    /** What any request that reached the tool must look like, whatever the case. */
    private void checkWhatTheToolSaw(Seen seen, String context) {
        String where = "the tool's request " + seen.method() + " " + seen.uri() + " " + seen.headers() + " for " + context;
        // The gateway's own X-Forwarded-*: the caller's address, scheme and the authority it asked for
        // (the Host it sent is its own business); the caller's X-Forwarded-* never pass (untrusted).
        assertThat(seen.headers("x-forwarded-for")).as("X-Forwarded-For is the gateway's: %s", where)
                .isSubsetOf("127.0.0.1").hasSizeLessThanOrEqualTo(1);
        assertThat(seen.headers("x-forwarded-proto")).as("X-Forwarded-Proto is the gateway's: %s", where)
                .isSubsetOf("http").hasSizeLessThanOrEqualTo(1);
        assertThat(seen.headers("x-forwarded-host")).as("X-Forwarded-Host is one plain authority: %s", where)
                .hasSizeLessThanOrEqualTo(1).allMatch(host -> AUTHORITY.matcher(host).matches());
        Map<String, List<String>> callerVisible = new java.util.TreeMap<>(seen.headers());
        callerVisible.remove("x-forwarded-host");
        String everything = (seen.uri() + " " + callerVisible).toLowerCase(Locale.ROOT);
        assertThat(everything).as("an evil marker reached the tool: %s", where).doesNotContain("evil");
        assertThat(everything).as("a smuggled request reached the tool: %s", where).doesNotContain("smuggled");
        for (String token : world.callerTokens()) {
            assertThat(seen.uri() + seen.headers()).as("a caller token reached the tool: %s", where).doesNotContain(token);
        }
        for (String seenName : seen.headers().keySet()) {
            // CGI, WSGI, Rack and PHP read X_Forwarded_For as X-Forwarded-For: both spellings are one name.
            String name = seenName.replace('_', '-');
            assertThat(name).as("a caller header reached the tool: %s", where)
                    .isNotIn("cookie", "proxy-authorization", "forwarded", "x-test-denied", "proxy-connection",
                            "keep-alive", "te", "trailer", "http2-settings", "x-real-ip", "x-original-url",
                            "x-rewrite-url", "x-original-host", "x-client-ip", "true-client-ip",
                            "x-http-method-override", "x-http-method", "x-method-override")
                    .doesNotStartWith("impersonate-").doesNotStartWith("x-remote-").doesNotStartWith("x-auth-request-")
                    .doesNotStartWith("x-test-prefix-");
            if (name.startsWith("x-forwarded")) {
                assertThat(seenName).as("only the gateway's X-Forwarded-*: %s", where)
                        .isIn("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");
            }
        }
        assertThat(seen.headers("host")).as("the Host the tool saw: %s", where).containsExactly(world.toolAuthority());
        assertThat(seen.headers("content-length").size() + (seen.header("transfer-encoding") == null ? 0 : 1))
                .as("one body framing: %s", where).isLessThanOrEqualTo(1);
        String prefix = seen.uri().startsWith("/custom/") || seen.uri().equals("/custom") ? "/custom"
                : seen.uri().length() >= 7 ? seen.uri().substring(0, 7) : seen.uri();
        if (prefix.equals("/custom")) {
            assertThat(seen.headers("authorization")).as("no Authorization to a custom API: %s", where).isEmpty();
            assertThat(seen.headers("x-plugin-meta")).as("X-Plugin-Meta: %s", where).containsExactly(
                    b64("{\"baseURL\":\"" + tool.url() + "/tool-a\"}"));
            assertThat(seen.headers("x-plugin-auth")).as("X-Plugin-Auth: %s", where)
                    .containsExactly(b64("kubernetes.io/basic-auth"));
            assertThat(seen.headers("x-plugin-secret")).as("X-Plugin-Secret: %s", where).hasSize(1);
            assertThat(new String(Base64.getDecoder().decode(seen.header("x-plugin-secret")), StandardCharsets.UTF_8))
                    .as("X-Plugin-Secret is the class's Connector's Secret: %s", where).contains(b64(world.apiUser()));
        } else {
            String expected = world.expectedAuthorization().get(prefix);
            assertThat(expected).as("the tool saw a request outside every Connector's address: %s", where).isNotNull();
            assertThat(seen.headers("authorization")).as("the Connector's credentials, once: %s", where)
                    .containsExactly(expected);
            assertThat(seen.headers().keySet()).as("no plugin header to a tool: %s", where)
                    .noneMatch(name -> name.startsWith("x-plugin-"));
        }
    }

    private static final Pattern BEARER = Pattern.compile("(?i)authorization:[ \\t]*bearer[ \\t]+([^\\s,\"]{8,})");

    /** Tokens the corpus presented, valid or not: none may show up anywhere either. */
    private static void collectSentTokens(String request) {
        java.util.regex.Matcher matcher = BEARER.matcher(request);
        while (matcher.find()) {
            SENT_TOKENS.add(matcher.group(1));
        }
    }

    private static String describe(String value) {
        return "a credential (" + value.length() + " chars, starting " + value.substring(0, Math.min(6, value.length()))
                + "…)";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String basic(String user, String password) {
        return b64(user + ":" + password);
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes as text for a failure message: CR, LF, NUL and the non-printable shown escaped, long runs cut. */
    private static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        String cut = raw.length() > 3000 ? raw.substring(0, 3000) + "…(" + raw.length() + " chars)" : raw;
        for (char c : cut.toCharArray()) {
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n\n");
            } else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A handler on the root logger and the access log's that keeps every record (formatted, with its stack) while installed. */
    static final class LogCapture extends Handler {

        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Map<String, Level> previousLevels = new LinkedHashMap<>();
        private boolean installed;

        synchronized void install() {
            if (installed) {
                return;
            }
            setLevel(Level.ALL);
            Logger.getLogger("").addHandler(this);
            // The access log writes through its own handler, not the root's.
            Logger.getLogger("connectors.access").addHandler(this);
            for (String category : VERBOSE_CATEGORIES) {
                Logger logger = Logger.getLogger(category);
                previousLevels.put(category, logger.getLevel());
                logger.setLevel(org.jboss.logmanager.Level.DEBUG);
            }
            installed = true;
        }

        synchronized void uninstall() {
            if (!installed) {
                return;
            }
            Logger.getLogger("").removeHandler(this);
            Logger.getLogger("connectors.access").removeHandler(this);
            previousLevels.forEach((category, level) -> Logger.getLogger(category).setLevel(level));
            installed = false;
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + " ");
            line.append(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                    : new java.util.logging.SimpleFormatter().formatMessage(record));
            if (record.getThrown() != null) {
                StringWriter stack = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(stack));
                line.append('\n').append(stack);
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
