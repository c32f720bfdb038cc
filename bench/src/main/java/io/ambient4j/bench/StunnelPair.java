package io.ambient4j.bench;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The reference the ztunnel targets are set against: two stunnel4 processes (Debian's package) in mutual TLS on the
 * same loopback path — the client stunnel accepts plain TCP and opens TLS to the server stunnel, which requires and
 * verifies the client certificate and connects to the sink. Certificates come from the same kind of mesh CA as
 * ztunnel's (P-256, SPIFFE URI SAN); TLS 1.3 with TLS_AES_256_GCM_SHA384, the suite our JDK side negotiates.
 */
final class StunnelPair implements TunnelPath {
    static final String CIPHER_SUITE = "TLS_AES_256_GCM_SHA384";

    private final Process client;
    private final Process server;
    private final InetSocketAddress entry;

    private StunnelPair(Process client, Process server, InetSocketAddress entry) {
        this.client = client;
        this.server = server;
        this.entry = entry;
    }

    static StunnelPair start(Path dir, MeshCa ca, InetSocketAddress sink) throws IOException, InterruptedException {
        Path caFile = Files.writeString(dir.resolve("stunnel-ca.pem"), ca.rootPem());
        InetAddress lo = InetAddress.getLoopbackAddress();
        int entryPort = freePort();
        int tlsPort = freePort();
        Process server = stunnel(
                dir,
                "server",
                ca,
                caFile,
                List.of(
                        "accept = 127.0.0.1:" + tlsPort,
                        "connect = " + sink.getAddress().getHostAddress() + ":" + sink.getPort(),
                        "requireCert = yes"));
        Process client = null;
        try {
            Processes.awaitListening(server, new InetSocketAddress(lo, tlsPort), Duration.ofSeconds(10));
            client = stunnel(
                    dir,
                    "client",
                    ca,
                    caFile,
                    List.of("client = yes", "accept = 127.0.0.1:" + entryPort, "connect = 127.0.0.1:" + tlsPort));
            InetSocketAddress entry = new InetSocketAddress(lo, entryPort);
            Processes.awaitListening(client, entry, Duration.ofSeconds(10));
            return new StunnelPair(client, server, entry);
        } catch (IOException | InterruptedException | RuntimeException e) {
            Processes.stop(server);
            if (client != null) {
                Processes.stop(client);
            }
            throw e;
        }
    }

    private static Process stunnel(Path dir, String name, MeshCa ca, Path caFile, List<String> service)
            throws IOException {
        SpiffeId id = SpiffeId.of("", "bench", "stunnel-" + name);
        Csr.KeyAndCsr kc = Csr.create(id);
        CertifiedKey key = new CertifiedKey(kc.key(), ca.chainFor(ca.signCsr(kc.csrPem(), id, Duration.ofHours(2))));
        Path cert = Files.writeString(dir.resolve("stunnel-" + name + "-cert.pem"), key.chainPem());
        Path pkey = Files.writeString(dir.resolve("stunnel-" + name + "-key.pem"), key.keyPem());
        StringBuilder conf = new StringBuilder();
        for (String line : List.of(
                "foreground = yes",
                "pid =",
                "debug = 3",
                "socket = l:TCP_NODELAY=1",
                "socket = r:TCP_NODELAY=1",
                "[" + name + "]",
                "cert = " + cert,
                "key = " + pkey,
                "CAfile = " + caFile,
                "verifyChain = yes",
                "sslVersionMin = TLSv1.3",
                "ciphersuites = " + CIPHER_SUITE)) {
            conf.append(line).append('\n');
        }
        service.forEach(line -> conf.append(line).append('\n'));
        Path file = Files.writeString(dir.resolve("stunnel-" + name + ".conf"), conf.toString());
        return new ProcessBuilder("stunnel4", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stunnel-" + name + ".log").toFile())
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public String name() {
        return "stunnel";
    }

    @Override
    public InetSocketAddress entry() {
        return entry;
    }

    @Override
    public InetAddress bindFrom() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public List<ProxyProcess> processes() {
        return List.of(new ProxyProcess("client", client), new ProxyProcess("server", server));
    }

    @Override
    public String description() {
        return "stunnel4 client → TLS 1.3 (" + CIPHER_SUITE + ", mutual, P-256 SPIFFE certs) → stunnel4 server";
    }

    @Override
    public void close() {
        Processes.stop(client);
        Processes.stop(server);
    }
}
