package io.ambient4j.common.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one {@link CertifiedKey} whatever the peer's certificate_authorities say. The JDK's key
 * managers filter by issuer and key type in ways that silently send no client certificate; a mesh peer
 * always has exactly one identity per connection.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "mesh";

    private final CertifiedKey key;

    SingleKeyManager(CertifiedKey key) {
        this.key = key;
    }

    private String aliasFor(String keyType) {
        String algorithm = key.key().getAlgorithm();
        boolean match = algorithm.equals(keyType) || (algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"));
        return match ? ALIAS : null;
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes == null) {
            return null;
        }
        for (String type : keyTypes) {
            if (aliasFor(type) != null) {
                return ALIAS;
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? key.chain().toArray(new X509Certificate[0]) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key.key() : null;
    }
}
