package io.ambient4j.common.tls;

import io.ambient4j.common.identity.InvalidIdentityException;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.CsrException.Reason;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The CSR a workload (or ztunnel on its behalf) sends to the mesh CA: ECDSA P-256, SHA256withECDSA,
 * empty subject and one critical URI SAN with the SPIFFE ID, as ztunnel builds it. Also the CA-side
 * checks ({@link #verify}) so that every malformed request ends in a {@link CsrException}.
 */
public final class Csr {

    /** The CA refuses PEM CSRs longer than this (64 KiB); a P-256 CSR is well under 1 KiB. */
    public static final int MAX_PEM_LENGTH = 64 * 1024;

    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Set<ASN1ObjectIdentifier> ECDSA_SHA2 = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512);

    /** A fresh private key and the PEM CSR for its public key. */
    public record KeyAndCsr(PrivateKey key, String csrPem) {}

    /** A CSR whose structure, key and self-signature have been checked. */
    record Verified(PKCS10CertificationRequest request, PublicKey publicKey) {}

    private Csr() {}

    /**
     * Generates a P-256 key pair and a CSR requesting {@code id} as the single URI SAN (built without BouncyCastle,
     * see {@link CsrBuilder}).
     */
    public static KeyAndCsr create(SpiffeId id) {
        return CsrBuilder.create(id);
    }

    /** The SPIFFE ID the CSR asks for: its single URI SAN. The CSR is verified first. */
    public static SpiffeId requestedIdentity(String csrPem) {
        PKCS10CertificationRequest request = verify(csrPem).request();
        List<String> uris = new ArrayList<>();
        try {
            for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                for (ASN1Encodable value : attribute.getAttributeValues()) {
                    Extensions extensions = Extensions.getInstance(value);
                    GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
                    if (names == null) {
                        continue;
                    }
                    for (GeneralName name : names.getNames()) {
                        if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
                            uris.add(name.getName().toString());
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new CsrException(Reason.MALFORMED, "CSR extension request does not parse: " + e.getMessage(), e);
        }
        if (uris.size() != 1) {
            throw new CsrException(Reason.NO_IDENTITY, "CSR requests " + uris.size() + " URI SANs, expected exactly 1");
        }
        try {
            return SpiffeId.parse(uris.getFirst());
        } catch (InvalidIdentityException e) {
            throw new CsrException(Reason.NO_IDENTITY, "CSR URI SAN is not a mesh identity: " + e.getMessage(), e);
        }
    }

    /**
     * The CA's admission checks, in order: size, PEM and DER structure, P-256 key, ECDSA/SHA-2
     * self-signature. Every failure is a {@link CsrException}.
     */
    static Verified verify(String csrPem) {
        if (csrPem == null || csrPem.isEmpty()) {
            throw new CsrException(Reason.MALFORMED, "CSR is empty");
        }
        if (csrPem.length() > MAX_PEM_LENGTH) {
            throw new CsrException(
                    Reason.TOO_LARGE, "CSR is " + csrPem.length() + " characters, the limit is " + MAX_PEM_LENGTH);
        }
        PKCS10CertificationRequest request;
        SubjectPublicKeyInfo keyInfo;
        ASN1ObjectIdentifier signatureAlgorithm;
        try {
            request = Pem.decodeCsr(csrPem);
            keyInfo = request.getSubjectPublicKeyInfo();
            signatureAlgorithm = request.getSignatureAlgorithm().getAlgorithm();
        } catch (PemException e) {
            throw new CsrException(Reason.MALFORMED, "CSR is not a PEM certificate request: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CsrException(Reason.MALFORMED, "CSR does not parse: " + e.getMessage(), e);
        }
        PublicKey publicKey = p256PublicKey(keyInfo);
        if (!ECDSA_SHA2.contains(signatureAlgorithm)) {
            throw new CsrException(
                    Reason.BAD_SIGNATURE, "CSR signature algorithm " + signatureAlgorithm + " is not ECDSA with SHA-2");
        }
        boolean valid;
        try {
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey));
        } catch (PKCSException | OperatorCreationException | RuntimeException e) {
            // Verifier construction and signature decoding failures both mean: not a valid signature.
            throw new CsrException(Reason.BAD_SIGNATURE, "CSR signature cannot be verified: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new CsrException(Reason.BAD_SIGNATURE, "CSR signature does not verify with its own public key");
        }
        return new Verified(request, publicKey);
    }

    private static PublicKey p256PublicKey(SubjectPublicKeyInfo keyInfo) {
        ASN1ObjectIdentifier algorithm;
        ASN1Encodable parameters;
        try {
            algorithm = keyInfo.getAlgorithm().getAlgorithm();
            parameters = keyInfo.getAlgorithm().getParameters();
        } catch (RuntimeException e) {
            throw new CsrException(Reason.MALFORMED, "CSR public key does not parse: " + e.getMessage(), e);
        }
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            throw new CsrException(
                    Reason.UNSUPPORTED_KEY, "CSR key algorithm " + algorithm + " is not EC (P-256 required)");
        }
        if (!X9ObjectIdentifiers.prime256v1.equals(parameters)) {
            throw new CsrException(Reason.UNSUPPORTED_KEY, "CSR EC key is on curve " + parameters + ", P-256 required");
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CsrException(Reason.UNSUPPORTED_KEY, "CSR P-256 public key is invalid: " + e.getMessage(), e);
        }
    }

    static KeyPair newP256KeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> SIGNATURE_ALGORITHM;
            case "RSA" -> "SHA256withRSA";
            default ->
                throw new TlsException(
                        TlsException.Reason.UNSUPPORTED_KEY,
                        "signing key algorithm " + key.getAlgorithm() + " is not EC or RSA");
        };
        return new JcaContentSignerBuilder(algorithm).build(key);
    }
}
