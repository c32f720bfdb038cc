package io.ambient4j.common.tls;

import io.ambient4j.common.tls.PemException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM text for what the mesh stores and sends: certificates ({@code root-cert.pem}, CA responses),
 * PKCS#8 private keys (Secrets, ztunnel's in-memory keys) and CSRs (the CA API). Decoding is strict
 * about block types and reports garbage as a {@link PemException}, never as a parser's own error.
 */
public final class Pem {

    public static final String CERTIFICATE = "CERTIFICATE";
    public static final String PRIVATE_KEY = "PRIVATE KEY";
    public static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
    public static final String RSA_PRIVATE_KEY = "RSA PRIVATE KEY";
    public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";

    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";

    /** One decoded PEM block. */
    public record Block(String type, byte[] der) {}

    private Pem() {}

    /** Encodes DER as one PEM block with 64-character lines and a trailing newline. */
    public static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return BEGIN + type + DASHES + "\n" + body + "\n-----END " + type + DASHES + "\n";
    }

    /** Every PEM block in the text, in order; text between blocks is ignored (as OpenSSL does). */
    public static List<Block> blocks(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new PemException(Reason.NO_PEM_BLOCK, "PEM input is empty");
        }
        List<Block> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            int begin = pem.indexOf(BEGIN, pos);
            if (begin < 0) {
                break;
            }
            int typeStart = begin + BEGIN.length();
            int typeEnd = pem.indexOf(DASHES, typeStart);
            if (typeEnd < 0) {
                throw new PemException(Reason.MALFORMED, "PEM BEGIN line at offset " + begin + " is not closed");
            }
            String type = pem.substring(typeStart, typeEnd);
            if (type.isEmpty() || type.indexOf('\n') >= 0 || type.length() > 64) {
                throw new PemException(Reason.MALFORMED, "PEM BEGIN line at offset " + begin + " has no valid type");
            }
            String endLine = "-----END " + type + DASHES;
            int bodyStart = typeEnd + DASHES.length();
            int end = pem.indexOf(endLine, bodyStart);
            if (end < 0) {
                throw new PemException(Reason.MALFORMED, "PEM block " + type + " has no '" + endLine + "' line");
            }
            String body = pem.substring(bodyStart, end);
            if (body.indexOf(':') >= 0) {
                throw new PemException(
                        Reason.MALFORMED, "PEM block " + type + " has headers (encrypted keys are not supported)");
            }
            StringBuilder b64 = new StringBuilder(body.length());
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (!Character.isWhitespace(c)) {
                    b64.append(c);
                }
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(b64.toString());
            } catch (IllegalArgumentException e) {
                throw new PemException(
                        Reason.MALFORMED, "PEM block " + type + " is not valid base64: " + e.getMessage());
            }
            if (der.length == 0) {
                throw new PemException(Reason.MALFORMED, "PEM block " + type + " is empty");
            }
            out.add(new Block(type, der));
            pos = end + endLine.length();
        }
        if (out.isEmpty()) {
            throw new PemException(Reason.NO_PEM_BLOCK, "no '-----BEGIN' line found in the PEM input");
        }
        return out;
    }

    public static String encodeCertificate(X509Certificate certificate) {
        try {
            return encode(CERTIFICATE, certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new TlsException(TlsException.Reason.CRYPTO_FAILURE, "cannot encode certificate", e);
        }
    }

    /** Concatenated PEM, in list order (e.g. a chain leaf first, or a bundle of roots). */
    public static String encodeCertificates(List<X509Certificate> certificates) {
        StringBuilder b = new StringBuilder();
        for (X509Certificate c : certificates) {
            b.append(encodeCertificate(c));
        }
        return b.toString();
    }

    /** All certificates in the text; every block must be a {@code CERTIFICATE}. */
    public static List<X509Certificate> decodeCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        for (Block block : blocks(pem)) {
            requireType(block, CERTIFICATE);
            out.add(certificate(block.der()));
        }
        return List.copyOf(out);
    }

    /** Exactly one certificate. */
    public static X509Certificate decodeCertificate(String pem) {
        List<X509Certificate> all = decodeCertificates(pem);
        if (all.size() != 1) {
            throw new PemException(Reason.TOO_MANY, "expected one CERTIFICATE, found " + all.size());
        }
        return all.getFirst();
    }

    /** Parses DER as an X.509 certificate. */
    public static X509Certificate certificate(byte[] der) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new PemException(Reason.MALFORMED, "CERTIFICATE does not parse: " + e.getMessage(), e);
        }
    }

    /** PKCS#8 ({@code PRIVATE KEY}), as Istio writes keys. */
    public static String encodePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new TlsException(
                    TlsException.Reason.UNSUPPORTED_KEY, "private key format " + key.getFormat() + " is not PKCS#8");
        }
        return encode(PRIVATE_KEY, key.getEncoded());
    }

    /**
     * Exactly one private key: PKCS#8 {@code PRIVATE KEY}, or the traditional {@code EC PRIVATE KEY} and
     * {@code RSA PRIVATE KEY} forms that user-supplied {@code cacerts} often hold.
     */
    public static PrivateKey decodePrivateKey(String pem) {
        List<Block> blocks = blocks(pem).stream()
                .filter(b -> !b.type().equals("EC PARAMETERS"))
                .toList();
        if (blocks.size() != 1) {
            throw new PemException(Reason.TOO_MANY, "expected one private key, found " + blocks.size() + " PEM blocks");
        }
        return PrivateKeys.decode(blocks.getFirst());
    }

    public static String encodeCsr(PKCS10CertificationRequest csr) {
        try {
            return encode(CERTIFICATE_REQUEST, csr.getEncoded());
        } catch (IOException e) {
            throw new TlsException(TlsException.Reason.CRYPTO_FAILURE, "cannot encode CSR", e);
        }
    }

    /** Exactly one {@code CERTIFICATE REQUEST} (PKCS#10), structurally parsed but not verified. */
    public static PKCS10CertificationRequest decodeCsr(String pem) {
        List<Block> blocks = blocks(pem);
        if (blocks.size() != 1) {
            throw new PemException(
                    Reason.TOO_MANY, "expected one CERTIFICATE REQUEST, found " + blocks.size() + " blocks");
        }
        Block block = blocks.getFirst();
        // Older tools write "NEW CERTIFICATE REQUEST"; the content is the same.
        if (!block.type().equals(CERTIFICATE_REQUEST) && !block.type().equals("NEW CERTIFICATE REQUEST")) {
            requireType(block, CERTIFICATE_REQUEST);
        }
        try {
            return new PKCS10CertificationRequest(block.der());
        } catch (IOException | RuntimeException e) {
            throw new PemException(Reason.MALFORMED, "CERTIFICATE REQUEST does not parse: " + e.getMessage(), e);
        }
    }

    private static void requireType(Block block, String expected) {
        if (!block.type().equals(expected)) {
            throw new PemException(Reason.WRONG_TYPE, "expected a " + expected + " block, found " + block.type());
        }
    }
}
