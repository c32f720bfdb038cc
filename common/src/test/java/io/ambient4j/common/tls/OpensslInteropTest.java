package io.ambient4j.common.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our certificates and TLS settings against an independent TLS stack (OpenSSL), as a stand-in for
 * ztunnel's rustls/BoringSSL peers: strict X.509 verification of CA-issued leaves (empty subject,
 * critical SPIFFE SAN) and TLS 1.3 + ALPN h2 mutual handshakes in both roles. Needs the {@code openssl}
 * binary (installed by .ci/run); fails without it.
 */
class OpensslInteropTest {

    private static final SpiffeId CLIENT = SpiffeId.of("", "default", "sleep");
    private static final SpiffeId SERVER = SpiffeId.of("", "default", "httpbin");

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static CertifiedKey client;
    private static CertifiedKey server;

    @BeforeAll
    static void writeFiles() throws IOException {
        pki = TestPki.create();
        client = pki.issue(CLIENT);
        server = pki.issue(SERVER);
        Files.writeString(dir.resolve("root.pem"), pki.ca().rootPem());
        Files.writeString(dir.resolve("client.pem"), Pem.encodeCertificate(client.leaf()));
        Files.writeString(dir.resolve("client.key"), client.keyPem());
        Files.writeString(dir.resolve("server.pem"), Pem.encodeCertificate(server.leaf()));
        Files.writeString(dir.resolve("server.key"), server.keyPem());
    }

    @Test
    void opensslStrictlyVerifiesIssuedLeavesForBothPurposes() throws Exception {
        for (String purpose : List.of("sslserver", "sslclient")) {
            Run r = run(List.of(
                    "openssl",
                    "verify",
                    "-x509_strict",
                    "-purpose",
                    purpose,
                    "-CAfile",
                    path("root.pem"),
                    path("client.pem")));
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("client.pem: OK");
        }
        Run foreign = run(List.of(
                "openssl",
                "verify",
                "-CAfile",
                write("foreign-root.pem", TestPki.create().ca().rootPem()),
                path("client.pem")));
        assertThat(foreign.exit()).isNotZero();
    }

    @Test
    void javaClientToOpensslServerWithMutualTlsAndH2() throws Exception {
        int port = freePort();
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "s_server",
                        "-accept",
                        "127.0.0.1:" + port,
                        "-naccept",
                        "1",
                        "-cert",
                        path("server.pem"),
                        "-key",
                        path("server.key"),
                        "-CAfile",
                        path("root.pem"),
                        "-Verify",
                        "1",
                        "-verify_return_error",
                        "-tls1_3",
                        "-alpn",
                        "h2",
                        "-rev")
                .redirectErrorStream(true)
                .start();
        try {
            List<String> lines = new CopyOnWriteArrayList<>();
            CountDownLatch ready = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> collect(openssl, lines, ready, "ACCEPT"));
            assertThat(ready.await(20, TimeUnit.SECONDS))
                    .as("s_server ready: " + lines)
                    .isTrue();

            try (SSLSocket socket = (SSLSocket) Mtls.clientContext(client, pki.roots(), Set.of(SERVER))
                    .getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(Mtls.peerIdentity(socket.getSession())).isEqualTo(SERVER);
                OutputStream out = socket.getOutputStream();
                out.write("mesh\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("hsem"); // s_server -rev reverses each line
            }
            assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            openssl.destroyForcibly();
        }
    }

    @Test
    void opensslClientToJavaServerWithMutualTlsAndH2AndNoSni() throws Exception {
        try (Loopback loop = new Loopback(pki.serverContext(server))) {
            Future<Loopback.Outcome> served = loop.acceptOne();
            Process openssl = new ProcessBuilder(
                            "openssl",
                            "s_client",
                            "-connect",
                            "127.0.0.1:" + loop.port(),
                            "-noservername",
                            "-cert",
                            path("client.pem"),
                            "-key",
                            path("client.key"),
                            "-CAfile",
                            path("root.pem"),
                            "-verify_return_error",
                            "-tls1_3",
                            "-alpn",
                            "h2",
                            "-ign_eof")
                    .redirectErrorStream(true)
                    .start();
            try {
                openssl.getOutputStream().write('A');
                openssl.getOutputStream().close();
                // -ign_eof: s_client runs until the Java server has echoed and closed.
                String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(output)
                        .contains("ALPN protocol: h2")
                        .contains("Verify return code: 0 (ok)")
                        .contains("TLSv1.3");

                Loopback.Outcome outcome = served.get(20, TimeUnit.SECONDS);
                assertThat(outcome.ok()).as(outcome.messages()).isTrue();
                assertThat(outcome.side().alpn()).isEqualTo("h2");
                assertThat(outcome.side().requestedServerNames()).isZero();
                assertThat(outcome.side().echoed()).isEqualTo('A');
                assertThat(Mtls.peerIdentity(outcome.side().session())).isEqualTo(CLIENT);
            } finally {
                openssl.destroyForcibly();
            }
        }
    }

    private static void collect(Process p, List<String> lines, CountDownLatch ready, String marker) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (line.contains(marker)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // The process ended; the test's own assertions report what is missing.
        }
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), output);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String path(String name) {
        return dir.resolve(name).toString();
    }

    private static String write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
        return path(name);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
