package io.ambient4j.common.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Whether a private key and a certificate's public key belong together, by signing a probe. */
final class KeyChecks {

    private static final byte[] PROBE = "ambient4j key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyChecks() {}

    /** Null when they match, otherwise why not. */
    static String mismatch(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return "the private key is " + key.getAlgorithm() + " but the certificate holds an "
                    + publicKey.getAlgorithm() + " key";
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return "key algorithm " + key.getAlgorithm() + " is not EC or RSA";
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signer.sign()) ? null : "the private key does not match the certificate";
        } catch (GeneralSecurityException e) {
            return "the key pair cannot be checked: " + e.getMessage();
        }
    }
}
