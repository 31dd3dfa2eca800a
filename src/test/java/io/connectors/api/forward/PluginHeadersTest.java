package io.connectors.api.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connectors.api.model.ModelFixtures;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The encodings of seed 001, value for value. */
class PluginHeadersTest {

    private static Secret basicAuth() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("username", "YWRtaW4=");
        data.put("password", "cGFzczEyMw==");
        return ModelFixtures.secret("git-auth", "kubernetes.io/basic-auth", data);
    }

    @Test
    void metaIsTheToolAddressAsJson() {
        assertEquals("eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ==", PluginHeaders.meta("http://github.com"));
        assertEquals("eyJiYXNlVVJMIjoiaHR0cHM6Ly9naXRodWIuY29tIn0=", PluginHeaders.meta("https://github.com"));
        assertEquals("{\"baseURL\":\"\"}", decode(PluginHeaders.meta(null)));
    }

    @Test
    void authIsTheSecretType() {
        assertEquals("a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo", PluginHeaders.auth(basicAuth()));
        assertEquals("Opaque", decode(PluginHeaders.auth(ModelFixtures.secret("s", null, Map.of()))));
    }

    @Test
    void secretIsTheDataWithSortedKeysAndValuesStillBase64() {
        assertEquals("eyJwYXNzd29yZCI6ImNHRnpjekV5TXc9PSIsInVzZXJuYW1lIjoiWVdSdGFXND0ifQ==", PluginHeaders.secret(basicAuth()));
        assertEquals("{\"password\":\"cGFzczEyMw==\",\"username\":\"YWRtaW4=\"}", decode(PluginHeaders.secret(basicAuth())));
        assertEquals("{}", decode(PluginHeaders.secret(ModelFixtures.secret("s", "Opaque", null))));
    }

    @Test
    void theRequestExampleOfSeed001() {
        Map<String, String> headers = PluginHeaders.of("https://github.com", Optional.of(basicAuth()));
        assertEquals(Map.of(
                "X-Plugin-Meta", "eyJiYXNlVVJMIjoiaHR0cHM6Ly9naXRodWIuY29tIn0=",
                "X-Plugin-Auth", "a3ViZXJuZXRlcy5pby9iYXNpYy1hdXRo",
                "X-Plugin-Secret", "eyJwYXNzd29yZCI6ImNHRnpjekV5TXc9PSIsInVzZXJuYW1lIjoiWVdSdGFXND0ifQ=="), headers);
    }

    @Test
    void withoutASecretOnlyMeta() {
        assertEquals(Map.of("X-Plugin-Meta", "eyJiYXNlVVJMIjoiaHR0cDovL2dpdGh1Yi5jb20ifQ=="),
                PluginHeaders.of("http://github.com", Optional.empty()));
    }

    @Test
    void jsonSpecialCharactersAreEscaped() {
        assertEquals("{\"baseURL\":\"http://h/\\\"q\\\"\"}", decode(PluginHeaders.meta("http://h/\"q\"")));
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
