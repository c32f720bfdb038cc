package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.hbone.HbonePool;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.common.tls.Mtls;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.identity.CertificateFetchException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Dials one pooled HBONE connection: TCP from inside the source pod's netns (from the pod's IP), then mutual TLS
 * presenting the source workload's certificate and accepting only the expected server identities (ambient-spec §2.1).
 */
final class PoolConnector implements HbonePool.Connector {
    private final ProxyContext ctx;
    private final SocketFactory sockets;

    PoolConnector(ProxyContext ctx, SocketFactory sockets) {
        this.ctx = ctx;
        this.sockets = sockets;
    }

    @Override
    public SSLSocket connect(HbonePool.Key key) throws IOException {
        WorkloadCertificate own;
        try {
            own = ctx.certs().get(key.sourceIdentity(), ctx.settings().certificateWait());
        } catch (CertificateFetchException e) {
            throw new IOException("no certificate for " + key.sourceIdentity() + ": " + e.getMessage(), e);
        }
        SSLContext tls = Mtls.clientContext(own.certifiedKey(), own.roots(), key.destinationIdentities());
        SocketChannel channel = sockets.connectFrom(key.destination(), key.sourceIp());
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return Mtls.connectMutual(tls, channel.socket());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
