package io.connectors.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.connectors.api.model.Connector;
import io.connectors.api.openapi.OpenApiDocuments.ClassDocument;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One curated OpenAPI document per namespace: the Connectors a caller may get, each one's class
 * document with its paths under the Connector's API path and its operations under one tag named
 * after the Connector. What a UI or an API catalog loads to know everything it can call through the
 * gateway. Rendered per distinct (namespace, Connectors and their class documents) and kept,
 * bounded: callers with the same grants share it, and its ETag changes only with its content. The
 * public URL is put in afterwards, so callers who reach the gateway by many Host names cost a copy
 * of the bytes each, never a render.
 */
@ApplicationScoped
public class NamespaceDocuments {

    static final String OPENAPI_VERSION = "3.0.3";
    /** The gateway's own authentication, the only one a caller deals with through it. */
    static final String SECURITY_SCHEME = "kubernetesBearerToken";
    private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String COMPONENTS_REF = "#/components/";

    /** One Connector as it enters a document: its class document is empty when the class has none. */
    public record Member(String name, String className, Optional<ClassDocument> classDocument) {

        String key() {
            return name + '\u0000' + className + '\u0000' + classDocument.map(document -> document.served().etag()).orElse("-");
        }
    }

    private record Key(String namespace, List<String> members) {
    }

    /** A rendered document, around the place where its {@code servers} URL goes. */
    private record Rendered(byte[] before, byte[] after) {

        ServedDocument at(String base) {
            byte[] url = JsonStringEncoder.getInstance().quoteAsUTF8(base);
            byte[] body = new byte[before.length + url.length + after.length];
            System.arraycopy(before, 0, body, 0, before.length);
            System.arraycopy(url, 0, body, before.length, url.length);
            System.arraycopy(after, 0, body, before.length + url.length, after.length);
            return new ServedDocument(body, EntityTags.strong(body));
        }
    }

    private record Served(Key document, String base) {
    }

    static final String RENDERS = "connectors.openapi.renders";

    private final OpenApiDocuments documents;
    /**
     * Stands for the public URL while a document is rendered: random, so no class document can hold it.
     * Rendering (deep copies of every class document) is done once per namespace and set of
     * Connectors, whatever URL the callers reach the gateway by; only the URL is put in per URL.
     */
    private final String placeholder = "urn:connectors-api:public-url:" + UUID.randomUUID();
    // Bounded: each grant set is its own entry.
    private final Cache<Key, Rendered> rendered = Caffeine.newBuilder().maximumSize(256).build();
    // Bounded: the public URL comes from the caller's Host header unless connectors.public-url is set.
    private final Cache<Served, ServedDocument> served = Caffeine.newBuilder().maximumSize(256).build();
    private final Counter renders;

    NamespaceDocuments(OpenApiDocuments documents, MeterRegistry registry) {
        this.documents = documents;
        this.renders = Counter.builder(RENDERS)
                .description("Namespace OpenAPI documents rendered (not found rendered already)")
                .register(registry);
    }

    /**
     * The document of these Connectors (those the caller may get), any order; {@code base}, the
     * gateway's public URL ({@code web/PublicUrl}), as {@code servers}.
     */
    public ServedDocument forNamespace(String namespace, List<Connector> connectors, String base) {
        List<Member> members = connectors.stream()
                .map(connector -> {
                    String className = connector.getSpec() == null || connector.getSpec().connectorClassName() == null
                            ? "" : connector.getSpec().connectorClassName();
                    return new Member(connector.getMetadata().getName(), className,
                            className.isEmpty() ? Optional.empty() : documents.classDocument(className));
                })
                .sorted(Comparator.comparing(Member::name))
                .toList();
        Key key = new Key(namespace, members.stream().map(Member::key).toList());
        Rendered document = rendered.get(key, k -> rendered(namespace, members));
        return served.get(new Served(key, base), s -> document.at(base));
    }

    private Rendered rendered(String namespace, List<Member> members) {
        renders.increment();
        byte[] body = ServedDocument.of(render(namespace, members, placeholder)).body();
        // The last occurrence: "servers" is written after "paths" (keys are sorted) and before "tags",
        // whose values are Kubernetes names.
        byte[] marker = placeholder.getBytes(StandardCharsets.US_ASCII);
        int at = lastIndexOf(body, marker);
        return new Rendered(Arrays.copyOfRange(body, 0, at), Arrays.copyOfRange(body, at + marker.length, body.length));
    }

    private static int lastIndexOf(byte[] body, byte[] marker) {
        for (int at = body.length - marker.length; at >= 0; at--) {
            if (Arrays.equals(body, at, at + marker.length, marker, 0, marker.length)) {
                return at;
            }
        }
        throw new IllegalStateException("a rendered namespace document has no servers URL");
    }

    /** A new document; the class documents (shared with the informer's cache) are only read. */
    static ObjectNode render(String namespace, List<Member> members, String base) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode document = json.objectNode();
        document.put("openapi", OPENAPI_VERSION);
        document.putObject("info")
                .put("title", "Connectors of namespace " + namespace)
                .put("version", Connector.VERSION)
                .put("description", "The APIs of the Connectors of namespace " + namespace + " that the caller may get,"
                        + " one tag per Connector, through the connectors-api gateway.");
        document.putArray("servers").addObject().put("url", base);
        document.putArray("security").addObject().putArray(SECURITY_SCHEME);
        ArrayNode tags = document.putArray("tags");
        ObjectNode paths = document.putObject("paths");
        ObjectNode components = json.objectNode();
        components.putObject("securitySchemes").putObject(SECURITY_SCHEME)
                .put("type", "http").put("scheme", "bearer")
                .put("description", "A Kubernetes bearer token; the gateway checks that its user may get each Connector.");
        Map<String, ObjectNode> classesDone = new LinkedHashMap<>();
        for (Member member : members) {
            String apiPath = Connector.apiPath(namespace, member.name());
            ObjectNode tag = tags.addObject().put("name", member.name())
                    .put("description", "Connector " + namespace + "/" + member.name() + " (ConnectorClass "
                            + member.className() + ")");
            tag.putObject("x-connector")
                    .put("namespace", namespace)
                    .put("name", member.name())
                    .put("connectorClassName", member.className())
                    .put("apiPath", apiPath)
                    .put("openapi", "/connectors/" + Connector.VERSION + "/" + namespace + "/" + member.name() + "/openapi");
            if (member.classDocument().isEmpty()) {
                continue;
            }
            ObjectNode classDocument = member.classDocument().get().document();
            String componentPrefix = member.className() + ".";
            if (!classesDone.containsKey(member.className())) {
                classesDone.put(member.className(), classDocument);
                addComponents(components, classDocument.get("components"), componentPrefix);
            }
            JsonNode classPaths = classDocument.get("paths");
            if (!(classPaths instanceof ObjectNode original)) {
                continue;
            }
            for (Map.Entry<String, JsonNode> path : original.properties()) {
                if (!(path.getValue() instanceof ObjectNode item)) {
                    continue;
                }
                ObjectNode copy = (ObjectNode) withComponentsRenamed(item.deepCopy(), componentPrefix);
                for (Map.Entry<String, JsonNode> operation : copy.properties()) {
                    if (OPERATIONS.contains(operation.getKey()) && operation.getValue() instanceof ObjectNode op) {
                        op.putArray("tags").add(member.name());
                        JsonNode operationId = op.get("operationId");
                        if (operationId != null && operationId.isTextual()) {
                            op.put("operationId", member.name() + "." + operationId.asText());
                        }
                        // The tool's own authentication is the Connector's business, not the caller's.
                        op.remove("security");
                    }
                }
                paths.set(apiPath + path.getKey(), copy);
            }
        }
        document.set("components", components);
        return document;
    }

    /** A class's components, each renamed {@code <class>.<name>} (two classes may use one name); not its securitySchemes. */
    private static void addComponents(ObjectNode into, JsonNode classComponents, String prefix) {
        if (!(classComponents instanceof ObjectNode byType)) {
            return;
        }
        for (Map.Entry<String, JsonNode> type : byType.properties()) {
            if (type.getKey().equals("securitySchemes") || !(type.getValue() instanceof ObjectNode entries)) {
                continue;
            }
            ObjectNode target = into.has(type.getKey()) && into.get(type.getKey()) instanceof ObjectNode existing
                    ? existing : into.putObject(type.getKey());
            for (Map.Entry<String, JsonNode> entry : entries.properties()) {
                target.set(prefix + entry.getKey(), withComponentsRenamed(entry.getValue().deepCopy(), prefix));
            }
        }
    }

    /** Rewrites every local {@code $ref: '#/components/<type>/<name>'} of this (copied) tree to the renamed component. */
    private static JsonNode withComponentsRenamed(JsonNode node, String prefix) {
        List<JsonNode> pending = new ArrayList<>(List.of(node));
        while (!pending.isEmpty()) {
            JsonNode current = pending.remove(pending.size() - 1);
            if (current instanceof ObjectNode object) {
                JsonNode ref = object.get("$ref");
                if (ref != null && ref.isTextual() && ref.asText().startsWith(COMPONENTS_REF)) {
                    String rest = ref.asText().substring(COMPONENTS_REF.length());
                    int slash = rest.indexOf('/');
                    if (slash > 0) {
                        object.set("$ref", TextNode.valueOf(COMPONENTS_REF + rest.substring(0, slash + 1) + prefix
                                + rest.substring(slash + 1)));
                    }
                }
                object.elements().forEachRemaining(pending::add);
            } else if (current instanceof ArrayNode array) {
                array.elements().forEachRemaining(pending::add);
            }
        }
        return node;
    }
}
