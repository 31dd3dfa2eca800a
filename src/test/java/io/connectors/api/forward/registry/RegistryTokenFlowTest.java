package io.connectors.api.forward.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.connectors.api.support.FakeKubeAuth;
import io.connectors.api.support.Fixtures;
import io.connectors.api.support.GatewayTest;
import io.connectors.api.support.MockCluster;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry token flow of proxy mode and the {@code /v2/} registry route, against a fake
 * registry on 127.0.0.1 that speaks distribution's token protocol. The host name {@code localhost}
 * is a refused destination here: a realm there is never called (it resolves from /etc/hosts, so
 * no packet leaves for the refusal either).
 */
@QuarkusTest
@TestProfile(RegistryTokenFlowTest.LocalhostDenied.class)
@WithKubernetesTestServer(crud = true, setup = MockCluster.class)
class RegistryTokenFlowTest extends GatewayTest {

    public static class LocalhostDenied implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connectors.destinations.deny", "localhost");
        }
    }

    record Seen(String method, String uri, String authorization, int bodyBytes) {
    }

    private static Vertx vertx;
    private static HttpServer registry;
    private static final List<Seen> registrySeen = new CopyOnWriteArrayList<>();
    private static final List<Seen> realmSeen = new CopyOnWriteArrayList<>();
    private static final AtomicInteger issued = new AtomicInteger();

    private String namespace;
    private String token;

    @BeforeAll
    static void startRegistry() throws Exception {
        vertx = Vertx.vertx();
        registry = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String authorization = request.getHeader("Authorization");
            Seen seen = new Seen(request.method().name(), request.uri(), authorization == null ? "" : authorization,
                    body.length());
            if (request.path().equals("/token-503")) {
                realmSeen.add(seen);
                request.response().setStatusCode(503).end("realm-body-detail");
                return;
            }
            if (request.path().equals("/token")) {
                realmSeen.add(seen);
                String prefix = authorization == null ? "anon" : authorization.startsWith("Basic ") ? "robot" : "odd";
                request.response().putHeader("Content-Type", "application/json")
                        .end("{\"token\":\"" + prefix + "-" + issued.incrementAndGet() + "\",\"expires_in\":300}");
                return;
            }
            registrySeen.add(seen);
            answer(request, authorization);
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** distribution's behaviour, in small: a registry token or a challenge. */
    private static void answer(HttpServerRequest request, String authorization) {
        String path = request.path();
        int port = registry.actualPort();
        String realmHost = path.startsWith("/v2/elsewhere/") ? "localhost" : "127.0.0.1";
        String repository = path.startsWith("/v2/") && path.length() > 4 ? path.substring(4).split("/")[0] : "";
        boolean write = !request.method().name().equals("GET") && !request.method().name().equals("HEAD");
        String challenge = "Bearer realm=\"http://" + realmHost + ":" + port + "/token\",service=\"fake-registry\""
                + (repository.isEmpty() ? "" : ",scope=\"repository:" + repository + ":" + (write ? "pull,push" : "pull") + "\"");
        if (path.startsWith("/v2/failingrealm/")) {
            challenge = challenge.replace("/token\"", "/token-503\"");
        }
        if (path.startsWith("/v2/oddrealm/")) {
            challenge = "Bearer realm=\"registry\",service=\"fake-registry\"";
        }
        boolean tokenOk = authorization != null && authorization.matches("Bearer (anon|robot)-\\d+");
        if (!tokenOk || path.startsWith("/v2/always401/")) {
            request.response().setStatusCode(401).putHeader("WWW-Authenticate", challenge)
                    .putHeader("Content-Type", "application/json")
                    .end("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
            return;
        }
        switch (request.method().name() + " " + path) {
            case "POST /v2/lib/blobs/uploads/" -> request.response().setStatusCode(202)
                    .putHeader("Location", "/v2/lib/blobs/uploads/u1?_state=s%3D1")
                    .putHeader("Docker-Upload-UUID", "u1").end();
            case "PUT /v2/lib/blobs/uploads/u1" -> request.response().setStatusCode(201)
                    .putHeader("Location", "http://127.0.0.1:" + port + "/v2/lib/blobs/sha256:abc")
                    .putHeader("Docker-Content-Digest", "sha256:abc").end();
            default -> request.response().putHeader("Docker-Content-Digest", "sha256:def")
                    .putHeader("Content-Type", "application/json").end("{\"name\":\"lib\",\"tags\":[\"1\"]}");
        }
    }

    @AfterAll
    static void stopRegistry() {
        vertx.close();
    }

    @BeforeEach
    void connector() {
        namespace = Fixtures.unique("oci");
        token = FakeKubeAuth.newToken("oci");
        fixtures.connectorClass("oci", null);
        registrySeen.clear();
        realmSeen.clear();
    }

    private String address() {
        return "http://127.0.0.1:" + registry.actualPort();
    }

    private void connect(String name, String secretType) {
        String secret = null;
        if (secretType != null) {
            secret = name + "-secret";
            fixtures.secret(namespace, secret, secretType, Map.of("username", "robot", "password", "robot-password"));
        }
        fixtures.connector(namespace, name, "oci", address(), secret, null);
        FakeKubeAuth.grantGet(token, namespace, name);
    }

    private static final String ROBOT_BASIC = "Basic " + Base64.getEncoder()
            .encodeToString("robot:robot-password".getBytes(StandardCharsets.UTF_8));

    @Test
    void anAnonymousRegistryGetsAnAnonymousTokenAndTheRequestIsReplayed() {
        connect("anon", null);

        as(token).get(apiPath(namespace, "anon") + "/v2/lib/tags/list").then().statusCode(200)
                .header("Docker-Content-Digest", "sha256:def").body("tags[0]", equalTo("1"));

        assertThat(registrySeen).extracting(Seen::authorization).hasSize(2).first().isEqualTo("");
        assertThat(registrySeen.get(1).authorization()).startsWith("Bearer anon-");
        assertThat(realmSeen).singleElement().satisfies(seen -> {
            assertThat(seen.authorization()).isEmpty();
            assertThat(seen.uri()).isEqualTo("/token?service=fake-registry&scope=repository%3Alib%3Apull");
        });
    }

    @Test
    void registryCredentialsGoOnlyToTheRealmAndItsTokenIsCached() {
        connect("robot", RegistryFlow.REGISTRY_TOKEN_SECRET);

        for (int i = 0; i < 3; i++) {
            as(token).get(apiPath(namespace, "robot") + "/v2/lib/tags/list").then().statusCode(200);
        }

        assertThat(realmSeen).singleElement().extracting(Seen::authorization).isEqualTo(ROBOT_BASIC);
        assertThat(registrySeen).hasSize(6).allSatisfy(seen -> assertThat(seen.authorization())
                .doesNotContain("Basic").doesNotContain(token));
        assertThat(registrySeen.stream().filter(seen -> seen.authorization().startsWith("Bearer robot-"))).hasSize(3);
    }

    @Test
    void aBasicAuthConnectorGetsATokenWithTheSameCredentials() {
        connect("harbor", "kubernetes.io/basic-auth");

        as(token).get(apiPath(namespace, "harbor") + "/v2/lib/tags/list").then().statusCode(200);

        assertThat(realmSeen).singleElement().extracting(Seen::authorization).isEqualTo(ROBOT_BASIC);
        assertThat(registrySeen).extracting(Seen::authorization).containsExactly(ROBOT_BASIC,
                registrySeen.get(1).authorization());
        assertThat(registrySeen.get(1).authorization()).startsWith("Bearer robot-");
    }

    @Test
    void aRequestWithABodyGetsItsTokenFirstAndIsSentOnce() {
        connect("push", RegistryFlow.REGISTRY_TOKEN_SECRET);
        fixtures.flag("enable-connector-apis-write-passthrough", true);
        try {
            as(token).header("Content-Type", "application/octet-stream").body(new byte[4096])
                    .put(apiPath(namespace, "push") + "/v2/lib/blobs/uploads/u1?digest=sha256%3Aabc")
                    .then().statusCode(201).header("Docker-Content-Digest", "sha256:abc")
                    .header("Location", "http://127.0.0.1:" + registry.actualPort() + "/v2/lib/blobs/sha256:abc");
        } finally {
            fixtures.flag("enable-connector-apis-write-passthrough", false);
        }

        // The registry's challenge was asked for at /v2/ (nothing known yet), then the PUT went once, with its token.
        assertThat(registrySeen).extracting(Seen::method, Seen::uri).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GET", "/v2/"),
                org.assertj.core.groups.Tuple.tuple("PUT", "/v2/lib/blobs/uploads/u1?digest=sha256%3Aabc"));
        assertThat(registrySeen.get(1).authorization()).startsWith("Bearer robot-");
        assertThat(registrySeen.get(1).bodyBytes()).isEqualTo(4096);
        assertThat(realmSeen).singleElement().satisfies(seen ->
                assertThat(seen.uri()).endsWith("scope=repository%3Alib%3Apull%2Cpush"));
    }

    @Test
    void onlyTheRegistryApiTakesPartAndOnlyWithARealmThatIsAUrl() {
        connect("other", "kubernetes.io/basic-auth");

        // Another API's Bearer challenge (a URL realm, even) is the caller's to read; the realm is not called.
        as(token).get(apiPath(namespace, "other") + "/api/v4/user").then().statusCode(401)
                .header("WWW-Authenticate", containsString("/token"));
        // A registry challenge whose realm is no URL: answered as it is, not a gateway error.
        as(token).get(apiPath(namespace, "other") + "/v2/oddrealm/tags/list").then().statusCode(401)
                .header("WWW-Authenticate", containsString("realm=\"registry\""))
                .body("errors[0].code", equalTo("UNAUTHORIZED"));

        assertThat(realmSeen).isEmpty();
        assertThat(registrySeen).hasSize(2).allSatisfy(seen -> assertThat(seen.authorization()).isEqualTo(ROBOT_BASIC));
    }

    @Test
    void aRealmOnARefusedDestinationIsNeverCalled() {
        connect("elsewhere", RegistryFlow.REGISTRY_TOKEN_SECRET);

        as(token).get(apiPath(namespace, "elsewhere") + "/v2/elsewhere/tags/list").then().statusCode(403)
                .body("kind", equalTo("Status"))
                .body("message", containsString("the token service of connector \"" + namespace + "/elsewhere\" at host \"localhost\""))
                .body("message", containsString("is not an allowed destination"));
        assertThat(realmSeen).isEmpty();
    }

    @Test
    void aFailingRealmsStatusAndBodyAreNotEchoed() {
        connect("failing", RegistryFlow.REGISTRY_TOKEN_SECRET);

        // The realm (any port the registry names) answered 503 with a body: the caller learns neither.
        String message = as(token).get(apiPath(namespace, "failing") + "/v2/failingrealm/tags/list").then()
                .statusCode(502).body("kind", equalTo("Status")).extract().path("message");
        assertThat(message).contains("the token service of connector \"" + namespace + "/failing\" issued no token")
                .doesNotContain("503").doesNotContain("realm-body-detail").doesNotContain("answered")
                .doesNotContain(String.valueOf(registry.actualPort()));
        assertThat(realmSeen).singleElement().extracting(Seen::uri).asString().startsWith("/token-503?");
    }

    @Test
    void theRegistryRouteChallengesAndIssuesGatewayTokens() {
        Response base = RestAssured.given().get("/v2/");
        base.then().statusCode(401).header("Docker-Distribution-API-Version", "registry/2.0")
                .header("WWW-Authenticate", org.hamcrest.Matchers.matchesPattern("Bearer realm=\"http://(127\\.0\\.0\\.1|localhost):"
                        + RestAssured.port + "/v2/token\",service=\"connectors-api\""))
                .body("errors[0].code", equalTo("UNAUTHORIZED"));

        RestAssured.given().get("/v2/token").then().statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));
        RestAssured.given().auth().preemptive().basic("any", "not-a-valid-token").get("/v2/token").then()
                .statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));

        Response issuedToken = RestAssured.given().auth().preemptive().basic("any", token).get("/v2/token?scope=x");
        issuedToken.then().statusCode(200).header("Cache-Control", "no-store").body("expires_in", equalTo(300));
        String gatewayToken = issuedToken.jsonPath().getString("token");
        assertThat(issuedToken.jsonPath().getString("access_token")).isEqualTo(gatewayToken);
        assertThat(gatewayToken).isNotEqualTo(token).doesNotContain(token).hasSizeGreaterThan(40);
        assertThat(new String(Base64.getUrlDecoder().decode(gatewayToken), StandardCharsets.ISO_8859_1)).doesNotContain(token);

        RestAssured.given().header("Authorization", "Bearer " + gatewayToken).get("/v2/").then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer " + gatewayToken + "x").get("/v2/").then().statusCode(401);
        RestAssured.given().get("/v2/nothing-here").then().statusCode(404)
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));
    }

    /** The gateway's URL as RestAssured reaches it: Locations into the registry point back there (web/PublicUrl). */
    private static String gateway() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    @Test
    void theRegistryRouteForwardsToTheConnectorsRegistryAndPointsLocationsBack() {
        connect("route", RegistryFlow.REGISTRY_TOKEN_SECRET);
        String gatewayToken = RestAssured.given().auth().preemptive().basic("any", token).get("/v2/token")
                .jsonPath().getString("token");
        String route = "/v2/namespaces/" + namespace + "/connectors/route";

        RestAssured.given().header("Authorization", "Bearer " + gatewayToken).get(route + "/lib/tags/list").then()
                .statusCode(200).body("name", equalTo("lib"));
        assertThat(registrySeen).extracting(Seen::uri).containsExactly("/v2/lib/tags/list", "/v2/lib/tags/list");
        assertThat(registrySeen).allSatisfy(seen -> assertThat(seen.authorization())
                .doesNotContain(gatewayToken).doesNotContain(token).doesNotContain("Basic"));

        // Writes need write passthrough, as on the Connectors API.
        RestAssured.given().header("Authorization", "Bearer " + gatewayToken).post(route + "/lib/blobs/uploads/")
                .then().statusCode(405).body("errors[0].code", equalTo("UNSUPPORTED"))
                .body("errors[0].message", containsString("write passthrough is disabled"));
        fixtures.flag("enable-connector-apis-write-passthrough", true);
        try {
            RestAssured.given().header("Authorization", "Bearer " + gatewayToken).post(route + "/lib/blobs/uploads/")
                    .then().statusCode(202).header("Docker-Upload-UUID", "u1")
                    .header("Location", gateway() + route + "/lib/blobs/uploads/u1?_state=s%3D1");
            RestAssured.given().header("Authorization", "Bearer " + gatewayToken).body(new byte[10])
                    .urlEncodingEnabled(false).put(route + "/lib/blobs/uploads/u1?_state=s%3D1&digest=sha256%3Aabc")
                    .then().statusCode(201).header("Location", gateway() + route + "/lib/blobs/sha256:abc");
        } finally {
            fixtures.flag("enable-connector-apis-write-passthrough", false);
        }

        // A registry's own challenge never reaches a registry client: it would take its token there.
        RestAssured.given().header("Authorization", "Bearer " + gatewayToken).get(route + "/always401/tags/list")
                .then().statusCode(401)
                .header("WWW-Authenticate", not(containsString(String.valueOf(registry.actualPort()))))
                .header("WWW-Authenticate", containsString("/v2/token"));

        // No get on the Connector: refused before anything is looked up, in the registry's format.
        String stranger = FakeKubeAuth.newToken("stranger");
        RestAssured.given().auth().preemptive().basic("any", stranger).get(route + "/lib/tags/list").then()
                .statusCode(403).body("errors[0].code", equalTo("DENIED"));
        // A failure past the stages (the realm refused) is in the registry's format too.
        connect("elsewhere", RegistryFlow.REGISTRY_TOKEN_SECRET);
        RestAssured.given().header("Authorization", "Bearer " + gatewayToken)
                .get("/v2/namespaces/" + namespace + "/connectors/elsewhere/elsewhere/tags/list").then()
                .statusCode(403).body("errors[0].code", equalTo("DENIED"))
                .body("errors[0].message", containsString("is not an allowed destination"));
    }
}
