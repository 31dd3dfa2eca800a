package io.connectors.api.forwardproxy;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the certificates the forward proxy presents inside {@code CONNECT} tunnels: one per host,
 * a DNS or an IP-address SAN, signed by the gateway's CA. All issued certificates share one P-256
 * key made with the issuer (a key per host would add nothing: they are all this process's).
 * BouncyCastle only builds and parses the ASN.1; keys and signatures are the JDK's (its provider is
 * never registered, which also keeps the native image free of it).
 */
public final class CertificateIssuer {

    /** How long an issued certificate is valid; never past the CA's own end. */
    static final Duration VALIDITY = Duration.ofDays(7);
    /** Clocks of clients may be behind the gateway's. */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private final X509Certificate ca;
    private final PrivateKey caKey;
    private final KeyPair leafKey;
    private final SecureRandom random = new SecureRandom();

    private CertificateIssuer(X509Certificate ca, PrivateKey caKey) throws GeneralSecurityException {
        this.ca = ca;
        this.caKey = caKey;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        this.leafKey = generator.generateKeyPair();
    }

    /** A certificate and the key it certifies, chain first (the leaf, then the CA). */
    public record Issued(PrivateKey key, List<X509Certificate> chain) {

        @Override
        public String toString() {
            return "Issued[" + chain.get(0).getSubjectX500Principal() + "]";
        }
    }

    /** From the PEM of a {@code kubernetes.io/tls} Secret: {@code tls.crt} (the CA first) and {@code tls.key}. */
    public static CertificateIssuer fromPem(String certificatePem, String keyPem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certificates = new ArrayList<>();
            factory.generateCertificates(new java.io.ByteArrayInputStream(
                    certificatePem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                    .forEach(certificate -> certificates.add((X509Certificate) certificate));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("tls.crt holds no certificate");
            }
            X509Certificate ca = certificates.get(0);
            if (ca.getBasicConstraints() < 0) {
                throw new IllegalArgumentException("tls.crt is not a CA certificate (basicConstraints CA:TRUE)");
            }
            return new CertificateIssuer(ca, privateKey(keyPem));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls.crt and tls.key are not a usable certificate and key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static PrivateKey privateKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException("tls.key holds no unencrypted private key");
        }
    }

    public X509Certificate ca() {
        return ca;
    }

    /** A certificate for {@code host}: an IP-address SAN for an IPv4 or IPv6 literal, else a DNS SAN. */
    public Issued issue(String host) {
        try {
            Instant now = Instant.now();
            Instant notAfter = now.plus(VALIDITY);
            if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
                notAfter = ca.getNotAfter().toInstant();
            }
            boolean address = isIpLiteral(host);
            GeneralName name = address ? new GeneralName(GeneralName.iPAddress, host)
                    : new GeneralName(GeneralName.dNSName, host);
            // The CN is informative only (clients read the SAN); an IPv6 address has colons, which a CN may hold.
            X500Name subject = new X500Name("CN=" + escaped(host));
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(127, random).add(BigInteger.ONE),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, leafKey.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(name))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(leafKey.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
            String algorithm = caKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate leaf = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(caKey)));
            return new Issued(leafKey.getPrivate(), List.of(leaf, ca));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not issue a certificate (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** An IP literal, parsed without any name lookup (a host name is never resolved here). */
    static boolean isIpLiteral(String host) {
        if (host.contains(":")) {
            return true;
        }
        if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            // A dotted quad is parsed, never looked up, by getByName.
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String escaped(String value) {
        return value.replaceAll("([,+\"\\\\<>;=#])", "\\\\$1");
    }
}
