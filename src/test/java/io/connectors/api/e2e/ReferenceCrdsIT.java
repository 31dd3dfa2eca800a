package io.connectors.api.e2e;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.BeforeAll;

/** The same contract on a fresh cluster running the upstream CRDs from ../shared/reference/crds. */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = @ResourceArg(name = "crds", value = "reference"))
class ReferenceCrdsIT extends GatewayOnRealClusterContract {

    @BeforeAll
    static void referenceCrdsArePresent() {
        org.junit.jupiter.api.Assumptions.assumeTrue(RealCluster.referenceCrdsAvailable(),
                "../shared/reference/crds is absent: the run against the upstream CRDs is skipped");
    }
}
