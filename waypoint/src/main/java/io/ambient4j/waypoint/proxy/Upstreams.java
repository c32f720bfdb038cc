package io.ambient4j.waypoint.proxy;

import io.ambient4j.common.hbone.HboneHeaders;
import io.ambient4j.common.hbone.HbonePool;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Mtls;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.identity.CertificateFetchException;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * Opens connections to endpoints under the waypoint's own identity (ambient-spec §7.3): HBONE to
 * {@code <podIP>:15008} with {@code :authority <podIP>:<targetPort>} over a pooled mutual-TLS connection that accepts
 * only the destination workload's identity (plus the service's extra SANs), or plain TCP to a workload that is not in
 * the mesh.
 */
final class Upstreams implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final CertManager certs;
    private final SpiffeId own;
    private final int hbonePort;
    private final HbonePool pool;

    Upstreams(CertManager certs, SpiffeId own, int hbonePort) {
        this.certs = certs;
        this.own = own;
        this.hbonePort = hbonePort;
        this.pool = HbonePool.create(this::dial);
    }

    UpstreamConnection open(Workload w, int port, Optional<Service> service, HboneHeaders headers)
            throws UpstreamException {
        InetAddress ip = w.addresses().getFirst();
        try {
            if (w.tunnelProtocol() != Workload.TunnelProtocol.HBONE) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(ip, port), (int) CONNECT_TIMEOUT.toMillis());
                return new UpstreamConnection.Plain(s);
            }
            Set<SpiffeId> expected = new HashSet<>();
            expected.add(w.identity());
            service.ifPresent(s -> s.subjectAltNames().forEach(san -> parse(san).ifPresent(expected::add)));
            HbonePool.Key key = new HbonePool.Key(own, expected, null, new InetSocketAddress(ip, hbonePort));
            String authority = ip instanceof java.net.Inet6Address
                    ? "[" + ip.getHostAddress() + "]:" + port
                    : ip.getHostAddress() + ":" + port;
            return new UpstreamConnection.Hbone(pool.open(key, authority, headers));
        } catch (IOException e) {
            throw new UpstreamException(
                    UpstreamException.Reason.CONNECT_FAILED, "to " + ip.getHostAddress() + ":" + port, e);
        }
    }

    private static Optional<SpiffeId> parse(String san) {
        try {
            return Optional.of(SpiffeId.parse(san.startsWith("spiffe://") ? san : "spiffe://" + san));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private SSLSocket dial(HbonePool.Key key) throws IOException {
        WorkloadCertificate cert;
        try {
            cert = certs.get(own, CONNECT_TIMEOUT);
        } catch (CertificateFetchException e) {
            throw new IOException("no certificate for " + own + ": " + e.getMessage(), e);
        }
        Socket tcp = new Socket();
        try {
            tcp.setTcpNoDelay(true);
            tcp.connect(key.destination(), (int) CONNECT_TIMEOUT.toMillis());
            return Mtls.connectMutual(
                    Mtls.clientContext(cert.certifiedKey(), cert.roots(), key.destinationIdentities()), tcp);
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
