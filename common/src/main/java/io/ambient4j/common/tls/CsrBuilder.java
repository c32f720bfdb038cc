package io.ambient4j.common.tls;

import io.ambient4j.common.identity.SpiffeId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * Builds the workload CSR of {@link Csr#create} with the JDK alone (hand-written DER, JDK signature), so the process
 * that only requests certificates (ztunnel) never loads BouncyCastle: its signed jars alone cost ~8 MB of heap for
 * manifest bookkeeping (bench/RESULTS.md). The CA side still parses and checks CSRs with BouncyCastle ({@link Csr}).
 *
 * <p>The request is PKCS#10 (RFC 2986): version 0, an empty subject, the P-256 public key, and one
 * {@code extensionRequest} attribute holding a critical subjectAltName with the single SPIFFE URI; signed with
 * SHA256withECDSA.
 */
public final class CsrBuilder {
    // DER of the object identifiers used (content octets of each OBJECT IDENTIFIER).
    private static final byte[] OID_EXTENSION_REQUEST = {
        0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x09, 0x0E
    }; // 1.2.840.113549.1.9.14
    private static final byte[] OID_SUBJECT_ALT_NAME = {0x55, 0x1D, 0x11}; // 2.5.29.17
    private static final byte[] OID_ECDSA_SHA256 = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02
    }; // 1.2.840.10045.4.3.2

    private static final int SEQUENCE = 0x30;
    private static final int SET = 0x31;
    private static final int INTEGER = 0x02;
    private static final int BOOLEAN = 0x01;
    private static final int BIT_STRING = 0x03;
    private static final int OCTET_STRING = 0x04;
    private static final int OBJECT_IDENTIFIER = 0x06;
    private static final int CONTEXT_0_CONSTRUCTED = 0xA0;
    private static final int CONTEXT_6_URI = 0x86; // GeneralName uniformResourceIdentifier [6] IMPLICIT IA5String

    private CsrBuilder() {}

    /** A fresh P-256 key and the PEM CSR requesting {@code id} as its single URI SAN. */
    public static Csr.KeyAndCsr create(SpiffeId id) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            byte[] info = requestInfo(id, pair.getPublic().getEncoded());
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(info);
            byte[] signature = signer.sign(); // DER ECDSA-Sig-Value, as the BIT STRING carries it
            byte[] request = tlv(
                    SEQUENCE,
                    info,
                    tlv(SEQUENCE, tlv(OBJECT_IDENTIFIER, OID_ECDSA_SHA256)),
                    tlv(BIT_STRING, new byte[] {0}, signature));
            return new Csr.KeyAndCsr(pair.getPrivate(), Pem.encode(Pem.CERTIFICATE_REQUEST, request));
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsException.Reason.CRYPTO_FAILURE, "cannot create a CSR for " + id, e);
        }
    }

    /** CertificationRequestInfo: version, empty subject, the DER SubjectPublicKeyInfo, [0] attributes. */
    static byte[] requestInfo(SpiffeId id, byte[] subjectPublicKeyInfo) {
        byte[] generalNames = tlv(SEQUENCE, tlv(CONTEXT_6_URI, id.uri().getBytes(StandardCharsets.US_ASCII)));
        byte[] san = tlv(
                SEQUENCE,
                tlv(OBJECT_IDENTIFIER, OID_SUBJECT_ALT_NAME),
                tlv(BOOLEAN, new byte[] {(byte) 0xFF}),
                tlv(OCTET_STRING, generalNames));
        byte[] extensionRequest =
                tlv(SEQUENCE, tlv(OBJECT_IDENTIFIER, OID_EXTENSION_REQUEST), tlv(SET, tlv(SEQUENCE, san)));
        return tlv(
                SEQUENCE,
                tlv(INTEGER, new byte[] {0}),
                tlv(SEQUENCE),
                subjectPublicKeyInfo,
                tlv(CONTEXT_0_CONSTRUCTED, extensionRequest));
    }

    /** One DER element: tag, definite length, the concatenated contents. */
    static byte[] tlv(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] c : contents) {
            length += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        for (byte[] c : contents) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }
}
