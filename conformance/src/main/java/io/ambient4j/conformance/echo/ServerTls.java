package io.ambient4j.conformance.echo;

import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.MeshCa;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The echo app's TLS identity for https ports: one self-signed CA and server certificate per harness run (the app's
 * own TLS, which the mesh carries as opaque bytes; clients in scenarios do not verify it, as upstream's echo
 * clients with {@code insecureSkipVerify}).
 */
final class ServerTls {
    private ServerTls() {}

    private static final class Holder {
        static final SslContext CONTEXT = build();

        private static SslContext build() {
            CertifiedKey key = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(1))
                    .issueDnsCertificate(List.of("echo.local", "*.svc.cluster.local"), Duration.ofDays(1));
            try {
                return SslContextBuilder.forServer(key.key(), key.chain().toArray(X509Certificate[]::new))
                        .build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot build the echo app's TLS context: " + e.getMessage(), e);
            }
        }
    }

    static SslContext context() {
        return Holder.CONTEXT;
    }
}
