package io.ambient4j.common.tls;

import io.ambient4j.common.tls.Pem.Block;
import io.ambient4j.common.tls.PemException.Reason;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The BouncyCastle part of {@link Pem#decodePrivateKey} (SEC1 and PKCS#1 keys), in a class of its own: the JVM's
 * verifier loads the BouncyCastle types a method uses when it links the class, so keeping them out of {@link Pem}
 * keeps BouncyCastle out of processes that only read certificates (ztunnel).
 */
final class PrivateKeys {
    private PrivateKeys() {}

    static PrivateKey decode(Block block) {
        try {
            PrivateKeyInfo info = switch (block.type()) {
                case Pem.PRIVATE_KEY -> PrivateKeyInfo.getInstance(block.der());
                case Pem.EC_PRIVATE_KEY -> {
                    ECPrivateKey sec1 = ECPrivateKey.getInstance(block.der());
                    yield new PrivateKeyInfo(
                            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()),
                            sec1);
                }
                case Pem.RSA_PRIVATE_KEY ->
                    new PrivateKeyInfo(
                            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                            RSAPrivateKey.getInstance(block.der()));
                default ->
                    throw new PemException(Reason.WRONG_TYPE, "expected a PRIVATE KEY block, found " + block.type());
            };
            ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
            String jca;
            if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                jca = "EC";
            } else if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
                jca = "RSA";
            } else {
                throw new PemException(Reason.MALFORMED, "private key algorithm " + alg + " is not EC or RSA");
            }
            return KeyFactory.getInstance(jca).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (e instanceof PemException pe) {
                throw pe;
            }
            throw new PemException(Reason.MALFORMED, block.type() + " does not parse: " + e.getMessage(), e);
        }
    }
}
