package io.connectors.api.e2e;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The end-to-end contract on a fresh cluster running this project's own CRDs. */
@QuarkusIntegrationTest
@WithTestResource(value = RealCluster.class, initArgs = @ResourceArg(name = "crds", value = "project"))
class ProjectCrdsIT extends GatewayOnRealClusterContract {
}
