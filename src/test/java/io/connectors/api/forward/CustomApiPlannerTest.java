package io.connectors.api.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connectors.api.errors.GatewayError;
import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ModelFixtures;
import io.connectors.api.resolve.ResolvedConnector;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CustomApiPlannerTest {

    private final CustomApiPlanner planner = new CustomApiPlanner(
            new ApiAddressResolver("http", "cluster.local", "connectors-system"));

    private static ResolvedConnector resolved(ConnectorClass connectorClass, boolean withSecret) {
        return new ResolvedConnector(ModelFixtures.connector("team", "git", connectorClass.getMetadata().getName(),
                "https://github.com"), connectorClass, withSecret
                        ? Optional.of(ModelFixtures.secret("s", "kubernetes.io/basic-auth",
                                Map.of("username", "YWRtaW4=", "password", "cGFzczEyMw==")))
                        : Optional.empty());
    }

    @Test
    void targetsTheApiAddressWithTheRawPathAndQuery() {
        ConnectorClass git = ModelFixtures.withApiStatus(ModelFixtures.connectorClass("git", "1", null),
                "http://192.168.162.100:8080/base/");
        ForwardPlan plan = planner.plan(resolved(git, true), "/api/gitrefs/group%2Fproject",
                "repositoryUrl=https%3A%2F%2Fgithub.com%2Fa.git&page=1", "req-1");

        assertEquals(new UpstreamTarget(false, "192.168.162.100", 8080, "/base"), plan.target());
        assertEquals("/base/api/gitrefs/group%2Fproject?repositoryUrl=https%3A%2F%2Fgithub.com%2Fa.git&page=1",
                plan.requestUri());
        assertEquals("the custom API of connectorclass 'git'", plan.upstream());
        assertEquals(Map.of(
                "X-Plugin-Meta", "eyJiYXNlVVJMIjoiaHR0cHM6Ly9naXRodWIuY29tIn0=",
                "X-Plugin-Auth", "a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo",
                "X-Plugin-Secret", "eyJwYXNzd29yZCI6ImNHRnpjekV5TXc9PSIsInVzZXJuYW1lIjoiWVdSdGFXND0ifQ==",
                "X-Request-Id", "req-1"), plan.headers());
        assertTrue(plan.trust().isEmpty());
    }

    @Test
    void noSecretNoAuthOrSecretHeaderAndNeverCredentials() {
        ConnectorClass git = ModelFixtures.connectorClass("git", "1",
                new ApiSpec(ModelFixtures.serviceRef("git-api", "tools"), null, null));
        ForwardPlan plan = planner.plan(resolved(git, false), "", null, "req-2");
        assertEquals("git-api.tools.svc.cluster.local", plan.target().host());
        assertEquals("/", plan.requestUri());
        assertEquals(Map.of("X-Plugin-Meta", "eyJiYXNlVVJMIjoiaHR0cHM6Ly9naXRodWIuY29tIn0=", "X-Request-Id", "req-2"),
                plan.headers());
    }

    @Test
    void anUnresolvedAddressIsABadRequest() {
        GatewayError error = assertThrows(GatewayError.class, () -> planner.plan(
                resolved(ModelFixtures.connectorClass("git-noapi", "1", null), true), "/x", null, "r"));
        assertEquals(400, error.code());
        assertEquals("api address of connectorclass 'git-noapi' is not resolved", error.getMessage());
    }

    @Test
    void invalidPaginationIsRefusedBeforeAnythingElse() {
        GatewayError error = assertThrows(GatewayError.class, () -> planner.plan(
                resolved(ModelFixtures.connectorClass("git-noapi", "1", null), true), "/x", "itemsPerPage=-5", "r"));
        assertEquals("query parameter itemsPerPage must be a non-negative integer", error.getMessage());
    }
}
