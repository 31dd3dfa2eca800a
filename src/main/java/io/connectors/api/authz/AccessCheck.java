package io.connectors.api.authz;

import io.connectors.api.model.Connector;

/** One question for a SubjectAccessReview: may the caller {@code verb} this Connector (sub)resource? */
public record AccessCheck(String verb, String subresource, String namespace, String name) {

    public static AccessCheck getConnector(String namespace, String name) {
        return new AccessCheck("get", null, namespace, name);
    }

    /** {@code connectors/apis/<class><template>}: the Connector's API, whole ({@code template} "") or one path. */
    public static AccessCheck connectorApi(String verb, String namespace, String name, String className, String template) {
        return new AccessCheck(verb, "apis/" + className + template, namespace, name);
    }

    /** {@code connectors/proxy}: the forward proxy's own permission, asked while its flag is on. */
    public static AccessCheck connectorProxy(String verb, String namespace, String name) {
        return new AccessCheck(verb, "proxy", namespace, name);
    }

    public String group() {
        return Connector.GROUP;
    }

    public String resource() {
        return "connectors";
    }

    /** How the check reads in an error message and a log line (no identity, no token). */
    public String describe() {
        return verb + " " + resource() + "." + group() + (subresource == null ? "" : "/" + subresource)
                + " \"" + name + "\" in namespace \"" + namespace + "\"";
    }
}
