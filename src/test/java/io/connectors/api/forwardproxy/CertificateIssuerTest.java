package io.connectors.api.forwardproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectors.api.support.TestCa;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {

    private static List<Object> sans(X509Certificate certificate) throws Exception {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        return names.stream().map(name -> (Object) (name.get(0) + "=" + name.get(1))).toList();
    }

    @Test
    void aHostNameGetsADnsSanSignedByTheCa() throws Exception {
        TestCa ca = TestCa.create("RSA");
        CertificateIssuer.Issued issued = CertificateIssuer.fromPem(ca.certificatePem(), ca.keyPem()).issue("git.example.com");
        X509Certificate leaf = issued.chain().get(0);
        leaf.verify(ca.certificate().getPublicKey());
        leaf.checkValidity();
        assertThat(sans(leaf)).containsExactly("2=git.example.com");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(issued.chain().get(1)).isEqualTo(ca.certificate());
        assertThat(leaf.getPublicKey()).isEqualTo(certificatePublicKeyOf(issued));
    }

    private static java.security.PublicKey certificatePublicKeyOf(CertificateIssuer.Issued issued) {
        return issued.chain().get(0).getPublicKey();
    }

    @Test
    void ipAddressesGetIpSans() throws Exception {
        CertificateIssuer issuer = TestCa.create("EC").issuer();
        assertThat(sans(issuer.issue("127.0.0.1").chain().get(0))).containsExactly("7=127.0.0.1");
        assertThat(sans(issuer.issue("::1").chain().get(0))).containsExactly("7=0:0:0:0:0:0:0:1");
        assertThat(sans(issuer.issue("10.96.0.1").chain().get(0))).containsExactly("7=10.96.0.1");
        // Looks like an address but is none: a DNS name, never resolved.
        assertThat(sans(issuer.issue("1.2.3.999").chain().get(0))).containsExactly("2=1.2.3.999");
    }

    @Test
    void anIssuedCertificateNeverOutlivesItsCa() throws Exception {
        TestCa ca = TestCa.create("EC", java.time.Duration.ofDays(2));
        X509Certificate leaf = ca.issuer().issue("tool.example.com").chain().get(0);
        assertThat(leaf.getNotAfter()).isBeforeOrEqualTo(ca.certificate().getNotAfter());
    }

    @Test
    void aCertificateThatIsNoCaOrAKeyThatIsMissingIsRefused() throws Exception {
        TestCa ca = TestCa.create("EC");
        X509Certificate leaf = ca.issuer().issue("not-a-ca.example.com").chain().get(0);
        assertThatThrownBy(() -> CertificateIssuer.fromPem(TestCa.pem(leaf), ca.keyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a CA");
        assertThatThrownBy(() -> CertificateIssuer.fromPem(ca.certificatePem(), "garbage"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateIssuer.fromPem("", ca.keyPem())).isInstanceOf(IllegalArgumentException.class);
    }
}
