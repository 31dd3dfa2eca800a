package io.connectors.api.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.errors.GatewayError;
import org.junit.jupiter.api.Test;

class UpstreamTargetTest {

    @Test
    void keepsThePathPrefixAndDefaultPorts() {
        UpstreamTarget target = UpstreamTarget.parse("https://git.example.com/gitlab/", "address");
        assertThat(target).isEqualTo(new UpstreamTarget(true, "git.example.com", 443, "/gitlab"));
        assertThat(target.requestUri("/api/v4/projects/a%2Fb", "x=1")).isEqualTo("/gitlab/api/v4/projects/a%2Fb?x=1");
        assertThat(target.authority()).isEqualTo("git.example.com");
        assertThat(UpstreamTarget.parse("http://[::1]:8081", "a").requestUri("", null)).isEqualTo("/");
        assertThat(UpstreamTarget.parse("http://[::1]:8081", "a").authority()).isEqualTo("[::1]:8081");
    }

    @Test
    void refusesWhatIsNotAnHttpUrl() {
        for (String bad : new String[] {"ftp://host", "host:80", "http://", "http://user:pw@host/", "", "http://a b"}) {
            assertThatThrownBy(() -> UpstreamTarget.parse(bad, "address"))
                    .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.code()).isEqualTo(400));
        }
    }
}
