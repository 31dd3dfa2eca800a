package io.connectors.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.connectors.sdk.OpenApiDocument;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API references of other kinds than Services, and class APIs that publish their own OpenAPI
 * (issue 12 items 1 and 2), on a real kube-apiserver with the gateway's real RBAC: a custom
 * resource with {@code status.address.url} (a CRD installed here, readable through a ClusterRole
 * added here and listed in {@code connectors.api-refs.kinds}), an Ingress and a Contour HTTPProxy
 * (its CRD with a minimal schema; no controller: the gateway only reads them). Every address is on
 * 127.0.0.1 or localhost.
 */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = {
        @ResourceArg(name = "crds", value = "project"),
        @ResourceArg(name = "config", value = "connectors.api-refs.kinds=Widget.example.test,Ingress.networking.k8s.io,"
                + "HTTPProxy.projectcontour.io;connectors.api-spec.refresh-period=2s")})
class ApiRefsIT {

    static final Duration WATCH = Duration.ofSeconds(45);
    static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder().withGroup("example.test")
            .withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true).build();
    static final ResourceDefinitionContext HTTP_PROXIES = new ResourceDefinitionContext.Builder()
            .withGroup("projectcontour.io").withVersion("v1").withKind("HTTPProxy").withPlural("httpproxies")
            .withNamespaced(true).build();

    static Vertx vertx;
    static HttpServer apiA;
    static HttpServer apiB;
    static HttpServer selfRegistering;
    static final AtomicReference<OpenApiDocument> published = new AtomicReference<>();
    static final List<String> ifNoneMatch = new CopyOnWriteArrayList<>();

    RealCluster cluster;
    KubernetesClient admin;
    ClusterObjects objects;
    String namespace;

    /** An API that says which server it is and what path it was asked for. */
    static HttpServer echo(String name) throws Exception {
        return vertx.createHttpServer().requestHandler(request -> request.response()
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("server", name).put("path", request.path()).encode()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static OpenApiDocument document(String version) {
        return OpenApiDocument.of("""
                {"openapi": "3.0.1", "info": {"title": "hello", "version": "%s"},
                 "paths": {"/hello": {"get": {"summary": "says hello"}}}}""".formatted(version));
    }

    @BeforeAll
    static void servers() throws Exception {
        vertx = Vertx.vertx();
        apiA = echo("A");
        apiB = echo("B");
        published.set(document("1"));
        selfRegistering = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals(OpenApiDocument.PATH)) {
                ifNoneMatch.add(String.valueOf(request.getHeader("If-None-Match")));
                OpenApiDocument current = published.get();
                if (current == null) {
                    request.response().setStatusCode(500).end("no document");
                    return;
                }
                OpenApiDocument.Answer answer = current.answer(request.getHeader("If-None-Match"));
                request.response().setStatusCode(answer.code());
                answer.headers().forEach(request.response()::putHeader);
                request.response().end(answer.body());
            } else {
                request.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("hello", "from the self-registered API").put("path", request.path()).encode());
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        KubernetesClient admin = RealCluster.current().admin();
        crd("widgets", "example.test", "Widget");
        crd("httpproxies", "projectcontour.io", "HTTPProxy");
        // The gateway reads Widgets only because this role (and connectors.api-refs.kinds) says so.
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("apirefs-it-widgets")
                .endMetadata().addNewRule().withApiGroups("example.test").withResources("widgets")
                .withVerbs("get", "list", "watch").endRule().build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("apirefs-it-widgets").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole").withName("apirefs-it-widgets").endRoleRef().addNewSubject()
                .withKind("ServiceAccount").withName("connectors-api").withNamespace(RealCluster.SYSTEM_NAMESPACE)
                .endSubject().build()).serverSideApply();
    }

    /** A namespaced CRD with the least schema the API server takes: any fields. */
    static void crd(String plural, String group, String kind) {
        KubernetesClient admin = RealCluster.current().admin();
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName(plural + "." + group).endMetadata().withNewSpec().withGroup(group).withScope("Namespaced")
                .withNewNames().withPlural(plural).withKind(kind).withSingular(kind.toLowerCase()).endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSchema()
                .withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema()
                .endSchema().endVersion().endSpec().build();
        admin.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
        await().atMost(WATCH).until(() -> {
            CustomResourceDefinition seen = admin.apiextensions().v1().customResourceDefinitions()
                    .withName(plural + "." + group).get();
            return seen != null && seen.getStatus() != null && seen.getStatus().getConditions().stream()
                    .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
        });
    }

    @AfterAll
    static void stopServers() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void namespace() {
        cluster = RealCluster.current();
        admin = cluster.admin();
        namespace = "refs-" + UUID.randomUUID().toString().substring(0, 8);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        objects = new ClusterObjects(admin, namespace);
    }

    String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void widget(String name, String url) {
        GenericKubernetesResource widget = new GenericKubernetesResource();
        widget.setApiVersion("example.test/v1");
        widget.setKind("Widget");
        widget.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        widget.setAdditionalProperty("status", Map.of("address", Map.of("url", url)));
        admin.genericKubernetesResources(WIDGETS).inNamespace(namespace).resource(widget).serverSideApply();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> classStatus(String name) {
        GenericKubernetesResource cls = admin.genericKubernetesResources(ClusterObjects.CLASSES).withName(name).get();
        Object status = cls == null ? null : cls.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    static String at(Map<String, Object> map, String... keys) {
        Object current = map;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current == null ? null : current.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> condition(Map<String, Object> status, String type) {
        Object conditions = status.get("conditions");
        if (!(conditions instanceof List<?> list)) {
            return Map.of();
        }
        return list.stream().map(c -> (Map<String, Object>) c).filter(c -> type.equals(c.get("type"))).findFirst()
                .orElse(Map.of());
    }

    String get(String connector, String path) {
        return "/connectors/v1alpha1/" + namespace + "/" + connector + "/path" + path;
    }

    @Test
    void aCustomResourceWithAnAddressIsTheClassApiAndItsAddressChangeIsFollowed() {
        String className = unique("widget-api");
        widget("w", "http://127.0.0.1:" + apiA.actualPort() + "/");
        objects.connectorClass(className, Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "api", Map.of("ref", Map.of("kind", "Widget", "apiVersion", "example.test/v1", "name", "w",
                        "namespace", namespace), "uri", "v1",
                        "openapi", Map.of("openapi", "3.0.1", "info", Map.of("title", "w", "version", "1"),
                                "paths", Map.of("/things", Map.of("get", Map.of("x-provider-type", "api")))))));
        objects.connector("c", Map.of("connectorClassName", className, "address", "http://127.0.0.1:" + apiB.actualPort()));
        objects.grantGet("alice", "c");
        String alice = cluster.token("alice");

        await().atMost(WATCH).untilAsserted(() -> RestAssured.given().header("Authorization", "Bearer " + alice)
                .get(get("c", "/things")).then().statusCode(200).body("server", equalTo("A")).body("path", equalTo("/v1/things")));
        await().atMost(WATCH).untilAsserted(() -> {
            Map<String, Object> status = classStatus(className);
            System.out.println("[class status] " + status);
            assertThat(at(status, "api", "address", "url")).isEqualTo("http://127.0.0.1:" + apiA.actualPort() + "/v1");
            assertThat(condition(status, "APIReady")).containsEntry("status", "True").containsEntry("reason", "Resolved");
        });

        // The Widget moves: the next requests follow it, and so does the status.
        widget("w", "http://127.0.0.1:" + apiB.actualPort() + "/");
        await().atMost(WATCH).untilAsserted(() -> RestAssured.given().header("Authorization", "Bearer " + alice)
                .get(get("c", "/things")).then().statusCode(200).body("server", equalTo("B")).body("path", equalTo("/v1/things")));
        await().atMost(WATCH).untilAsserted(() -> assertThat(at(classStatus(className), "api", "address", "url"))
                .isEqualTo("http://127.0.0.1:" + apiB.actualPort() + "/v1"));

        // Gone: not resolved, with the reason on the class and a 400 for its API's paths.
        admin.genericKubernetesResources(WIDGETS).inNamespace(namespace).withName("w").delete();
        await().atMost(WATCH).untilAsserted(() -> {
            Map<String, Object> status = classStatus(className);
            assertThat(condition(status, "APIReady")).containsEntry("status", "False")
                    .containsEntry("reason", "ReferenceNotFound");
            assertThat(at(status, "api", "address", "url")).isNull();
        });
        RestAssured.given().header("Authorization", "Bearer " + alice).get(get("c", "/things")).then().statusCode(400)
                .body("kind", equalTo("Status"));
    }

    @Test
    void anIngressAndAnHttpProxyAreResolvedFromTheirSpecs() {
        admin.network().v1().ingresses().inNamespace(namespace).resource(new IngressBuilder().withNewMetadata()
                .withName("i").withNamespace(namespace).endMetadata().withNewSpec().addNewRule().withHost("localhost")
                .endRule().endSpec().build()).serverSideApply();
        GenericKubernetesResource proxy = new GenericKubernetesResource();
        proxy.setApiVersion("projectcontour.io/v1");
        proxy.setKind("HTTPProxy");
        proxy.setMetadata(new ObjectMetaBuilder().withName("p").withNamespace(namespace).build());
        proxy.setAdditionalProperty("spec", Map.of("virtualhost", Map.of("fqdn", "localhost",
                "tls", Map.of("secretName", "localhost-tls"))));
        admin.genericKubernetesResources(HTTP_PROXIES).inNamespace(namespace).resource(proxy).serverSideApply();

        String ingressClass = unique("ingress-api");
        objects.connectorClass(ingressClass, Map.of("api", Map.of(
                "ref", Map.of("kind", "Ingress", "name", "i", "namespace", namespace), "uri", "/api")));
        String proxyClass = unique("httpproxy-api");
        objects.connectorClass(proxyClass, Map.of(
                "api", Map.of("ref", Map.of("kind", "HTTPProxy", "apiVersion", "projectcontour.io/v1", "name", "p",
                        "namespace", namespace)),
                "proxy", Map.of("ref", Map.of("kind", "Ingress", "name", "i", "namespace", namespace))));

        await().atMost(WATCH).untilAsserted(() -> {
            Map<String, Object> status = classStatus(ingressClass);
            System.out.println("[ingress class status] " + status);
            assertThat(at(status, "api", "address", "url")).isEqualTo("http://localhost/api");
            assertThat(condition(status, "APIReady")).containsEntry("status", "True");
        });
        await().atMost(WATCH).untilAsserted(() -> {
            Map<String, Object> status = classStatus(proxyClass);
            System.out.println("[httpproxy class status] " + status);
            assertThat(at(status, "api", "address", "url")).isEqualTo("https://localhost");
            assertThat(at(status, "proxy", "httpAddress", "url")).isEqualTo("http://localhost");
        });

        // TLS for the Ingress's host: https, on both classes that reference it.
        admin.network().v1().ingresses().inNamespace(namespace).withName("i").edit(ingress -> new IngressBuilder(ingress)
                .editSpec().addNewTl().withHosts("localhost").withSecretName("localhost-tls").endTl().endSpec().build());
        await().atMost(WATCH).untilAsserted(() -> {
            assertThat(at(classStatus(ingressClass), "api", "address", "url")).isEqualTo("https://localhost/api");
            assertThat(at(classStatus(proxyClass), "proxy", "httpAddress", "url")).isEqualTo("https://localhost");
        });

        // A kind the gateway is not configured to read is not resolved, and says why.
        String notListed = unique("not-listed");
        objects.connectorClass(notListed, Map.of("api", Map.of("ref", Map.of("kind", "Gadget",
                "apiVersion", "example.test/v1", "name", "g", "namespace", namespace))));
        await().atMost(WATCH).untilAsserted(() -> assertThat(condition(classStatus(notListed), "APIReady"))
                .containsEntry("status", "False").containsEntry("reason", "KindNotAllowed"));
    }

    @Test
    void aClassApiThatPublishesItsOpenApiNeedsNoInlinePaths() {
        String className = unique("self-registered");
        objects.connectorClass(className, Map.of(OpenApiDocument.ANNOTATION, OpenApiDocument.PATH), Map.of(
                "address", Map.of("name", "address", "type", "string"),
                "api", Map.of("uri", "http://127.0.0.1:" + selfRegistering.actualPort())));
        objects.connector("hello", Map.of("connectorClassName", className,
                "address", "http://127.0.0.1:" + apiA.actualPort()));
        objects.grantGet("alice", "hello");
        String alice = cluster.token("alice");

        // /hello is in no inline document: it reaches the class API only through the published one.
        await().atMost(WATCH).untilAsserted(() -> RestAssured.given().header("Authorization", "Bearer " + alice)
                .get(get("hello", "/hello")).then().statusCode(200).body("path", equalTo("/hello"))
                .body("hello", equalTo("from the self-registered API")));
        String firstHash = published.get().etag().replace("\"", "");
        await().atMost(WATCH).untilAsserted(() -> {
            Map<String, Object> spec = condition(classStatus(className), "APISpecResolved");
            System.out.println("[APISpecResolved] " + spec);
            assertThat(spec).containsEntry("status", "True").containsEntry("reason", "Fetched");
            assertThat(spec.get("message").toString()).startsWith("sha256:" + firstHash + ", last changed ");
        });
        // Refreshed every 2 s here, with the ETag it got.
        await().atMost(WATCH).untilAsserted(() -> assertThat(ifNoneMatch).contains("\"" + firstHash + "\""));

        // A new version of the document: a new hash; paths of the tool (not in it) stay the tool's.
        published.set(document("2"));
        String secondHash = published.get().etag().replace("\"", "");
        await().atMost(WATCH).untilAsserted(() -> assertThat(condition(classStatus(className), "APISpecResolved")
                .get("message").toString()).startsWith("sha256:" + secondHash));
        RestAssured.given().header("Authorization", "Bearer " + alice).get(get("hello", "/elsewhere")).then()
                .statusCode(200).body("server", equalTo("A"));

        // The API stops publishing: the last good document keeps routing, and the condition says why.
        published.set(null);
        await().atMost(WATCH).untilAsserted(() -> {
            Map<String, Object> spec = condition(classStatus(className), "APISpecResolved");
            assertThat(spec).containsEntry("status", "False").containsEntry("reason", "FetchFailed");
            assertThat(spec.get("message").toString()).contains("HTTP 500").contains("sha256:" + secondHash);
        });
        RestAssured.given().header("Authorization", "Bearer " + alice).get(get("hello", "/hello")).then().statusCode(200)
                .body("hello", equalTo("from the self-registered API"));
    }
}
