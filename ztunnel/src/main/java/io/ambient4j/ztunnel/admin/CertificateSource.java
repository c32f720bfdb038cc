package io.ambient4j.ztunnel.admin;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

/**
 * Where {@code /config_dump} gets the workload certificates from (the certificate manager), in upstream's
 * shape: per identity a state and the chain with serial and validity, so an operator sees which identity
 * lacks a certificate and when each expires.
 */
@FunctionalInterface
public interface CertificateSource {
    /** No certificate manager (yet): an empty list. */
    CertificateSource NONE = List::of;

    /** One entry per identity, in any order (the dump sorts by identity). */
    List<CertsDump> certificates();

    /** One identity's certificates; {@code state} is {@code Available}, {@code Initializing} or {@code Unavailable: <why>}. */
    record CertsDump(String identity, String state, List<CertDump> certChain, List<CertDump> rootCerts) {
        public CertsDump {
            certChain = List.copyOf(certChain);
            rootCerts = List.copyOf(rootCerts);
        }

        /** An available certificate: leaf and intermediates in {@code chain}, trust anchors in {@code roots}. */
        public static CertsDump available(String identity, List<X509Certificate> chain, List<X509Certificate> roots) {
            return new CertsDump(
                    identity,
                    "Available",
                    chain.stream().map(CertDump::of).toList(),
                    roots.stream().map(CertDump::of).toList());
        }
    }

    /** One certificate: base64 of its PEM, decimal serial (as upstream; istioctl prints it in hex), RFC 3339 validity bounds. */
    record CertDump(String pem, String serialNumber, String validFrom, String expirationTime) {
        public static CertDump of(X509Certificate c) {
            String pem;
            try {
                pem = "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                        + "\n-----END CERTIFICATE-----\n";
            } catch (CertificateEncodingException e) {
                pem = "";
            }
            return new CertDump(
                    Base64.getEncoder().encodeToString(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    c.getSerialNumber().toString(),
                    rfc3339(c.getNotBefore().toInstant()),
                    rfc3339(c.getNotAfter().toInstant()));
        }

        private static String rfc3339(Instant t) {
            return t.truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }
}
