package io.connectors.api.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ConnectorClassSpec.ApiSpec;
import io.connectors.api.model.ConnectorClassSpec.ObjectRef;
import io.connectors.api.model.ModelFixtures;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiAddressResolverTest {

    private final ApiAddressResolver resolver = new ApiAddressResolver("http", "cluster.local", "connectors-system");

    private Optional<String> resolve(ObjectRef ref, String uri) {
        return resolver.fromSpec(new ApiSpec(ref, uri, null));
    }

    @Test
    void theStatusUrlWins() {
        ConnectorClass withStatus = ModelFixtures.withApiStatus(ModelFixtures.connectorClass("git", "1",
                new ApiSpec(ModelFixtures.serviceRef("git-api", "ns"), null, null)), " http://resolved:8080/base ");
        assertEquals(Optional.of("http://resolved:8080/base"), resolver.address(withStatus));
    }

    @Test
    void withoutAStatusUrlTheSpecIsResolved() {
        ConnectorClass blankStatus = ModelFixtures.withApiStatus(ModelFixtures.connectorClass("git", "1",
                new ApiSpec(ModelFixtures.serviceRef("git-api", "ns"), null, null)), " ");
        assertEquals(Optional.of("http://git-api.ns.svc.cluster.local"), resolver.address(blankStatus));
        assertEquals(Optional.empty(), resolver.address(ModelFixtures.connectorClass("git", "1", null)));
    }

    @Test
    void anAbsoluteUriAloneIsUsedAsIs() {
        assertEquals(Optional.of("https://api.example.com/git"), resolve(null, "https://api.example.com/git"));
    }

    @Test
    void aServiceRefIsItsClusterDnsName() {
        assertEquals(Optional.of("http://connectors-gitlab-api.connectors-system.svc.cluster.local"),
                resolve(ModelFixtures.serviceRef("connectors-gitlab-api", "connectors-system"), null));
        assertEquals(Optional.of("http://api.connectors-system.svc.cluster.local"),
                resolve(new ObjectRef(null, "api", null, null, null), ""));
    }

    @Test
    void aServiceRefWithAUriTakesItAsThePath() {
        ObjectRef ref = ModelFixtures.serviceRef("api", "tools");
        assertEquals(Optional.of("http://api.tools.svc.cluster.local/v1/git"), resolve(ref, "/v1/git"));
        assertEquals(Optional.of("http://api.tools.svc.cluster.local/v1/git"), resolve(ref, "v1/git"));
        assertEquals(Optional.of("http://api.tools.svc.cluster.local/v1"), resolve(ref, "http://ignored:9/v1"));
    }

    @Test
    void schemeAndClusterDomainAreConfigurable() {
        ApiAddressResolver custom = new ApiAddressResolver("https", "corp.internal", "system");
        assertEquals(Optional.of("https://api.system.svc.corp.internal"),
                custom.fromSpec(new ApiSpec(new ObjectRef("Service", "api", null, null, null), null, null)));
    }

    @Test
    void neitherIsUnresolved() {
        assertEquals(Optional.empty(), resolver.fromSpec(null));
        assertEquals(Optional.empty(), resolve(null, null));
        assertEquals(Optional.empty(), resolve(null, "/relative/only"));
        assertEquals(Optional.empty(), resolve(null, "not a uri"));
        assertEquals(Optional.empty(), resolve(new ObjectRef("Ingress", "api", "ns", null, null), null));
        assertEquals(Optional.empty(), resolve(new ObjectRef("Service", " ", "ns", null, null), null));
    }
}
