package io.ambient4j.waypoint.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ambient4j.common.hbone.HboneException;
import io.ambient4j.common.hbone.HboneHeaders;
import io.ambient4j.common.hbone.HboneServer;
import io.ambient4j.common.hbone.HboneVerdict;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.relay.Relay;
import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.Mtls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

/**
 * One mesh pod for the waypoint's direct tests: a real HTTP server (the JDK's) and a raw TCP echo server on the pod
 * IP, behind an HBONE inbound on the same IP that terminates mutual TLS with the pod's certificate, records the
 * peer identity and {@code :authority} of every CONNECT (what the destination ztunnel would see), and relays the
 * stream to the app port it names.
 *
 * <p>The HTTP app echoes method, path and request headers in its body; {@code /slow*} waits for {@link #release()};
 * {@code /flaky} answers 503 to every other request.
 */
public final class MeshBackend implements AutoCloseable {
    /** One accepted CONNECT. */
    public record Connect(SpiffeId peer, String authority) {}

    public final BlockingQueue<Connect> connects = new LinkedBlockingQueue<>();
    public final AtomicInteger flakyCalls = new AtomicInteger();
    private final HttpServer http;
    private final ServerSocket echo;
    private final ServerSocket greeter;
    private final ServerSocket upgrader;
    private final ServerSocket hbone;
    private final CountDownLatch slow = new CountDownLatch(1);
    private final java.util.Set<Socket> open = ConcurrentHashMap.newKeySet();

    public MeshBackend(InetAddress ip, CertifiedKey cert, List<X509Certificate> roots) throws IOException {
        http = HttpServer.create(new InetSocketAddress(ip, 0), 16);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::handle);
        http.start();
        echo = new ServerSocket(0, 16, ip);
        Thread.ofVirtual().start(() -> acceptLoop(echo, this::echoConn));
        greeter = new ServerSocket(0, 16, ip);
        Thread.ofVirtual()
                .start(() -> acceptLoop(greeter, sock -> {
                    sock.getOutputStream().write("220 server speaks first\r\n".getBytes(StandardCharsets.US_ASCII));
                    echoConn(sock);
                }));
        upgrader = new ServerSocket(0, 16, ip);
        Thread.ofVirtual()
                .start(() -> acceptLoop(upgrader, sock -> {
                    // reads the request head byte by byte (nothing beyond it), switches protocols, then echoes
                    InputStream in = sock.getInputStream();
                    StringBuilder head = new StringBuilder();
                    int c;
                    while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                        head.append((char) c);
                    }
                    String h = head.toString().toLowerCase(java.util.Locale.ROOT);
                    if (!h.contains("connection: upgrade") || !h.contains("upgrade: echo")) {
                        sock.getOutputStream()
                                .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                        return;
                    }
                    sock.getOutputStream()
                            .write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                                            + "Upgrade: echo\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    echoConn(sock);
                }));
        hbone = new ServerSocket(0, 16, ip);
        Thread.ofVirtual().start(() -> acceptLoop(hbone, s -> inbound(s, cert, roots)));
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public int echoPort() {
        return echo.getLocalPort();
    }

    /** A server-first protocol: greets on accept, then echoes. */
    public int greeterPort() {
        return greeter.getLocalPort();
    }

    /** Answers an {@code Upgrade: echo} request with 101, then echoes. */
    public int upgradePort() {
        return upgrader.getLocalPort();
    }

    public int hbonePort() {
        return hbone.getLocalPort();
    }

    /** Lets {@code /slow} requests answer. */
    public void release() {
        slow.countDown();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (path.startsWith("/slow")) {
            try {
                slow.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (path.equals("/flaky") && flakyCalls.incrementAndGet() % 2 == 1) {
            ex.sendResponseHeaders(503, -1);
            ex.close();
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(ex.getRequestMethod()).append(' ').append(ex.getRequestURI()).append('\n');
        Map<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sorted.putAll(ex.getRequestHeaders());
        sorted.forEach((k, v) -> sb.append(k.toLowerCase(java.util.Locale.ROOT))
                .append(": ")
                .append(String.join(",", v))
                .append('\n'));
        byte[] body = ex.getRequestBody().readAllBytes();
        sb.append("body-bytes: ").append(body.length).append('\n');
        byte[] out = sb.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", "text/plain");
        ex.sendResponseHeaders(200, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    private interface ConnHandler {
        void serve(Socket s) throws IOException;
    }

    private void acceptLoop(ServerSocket ss, ConnHandler h) {
        while (!ss.isClosed()) {
            try {
                Socket s = ss.accept();
                open.add(s);
                Thread.ofVirtual().start(() -> {
                    try {
                        h.serve(s);
                    } catch (IOException e) {
                        // the peer went away
                    } finally {
                        open.remove(s);
                        try {
                            s.close();
                        } catch (IOException e) {
                            // closing
                        }
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echoConn(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] b = new byte[4096];
        int n;
        while ((n = in.read(b)) >= 0) {
            out.write(b, 0, n);
            out.flush();
        }
    }

    private void inbound(Socket s, CertifiedKey cert, List<X509Certificate> roots) throws IOException {
        SSLSocket tls =
                (SSLSocket) Mtls.serverContext(cert, roots, cert.identity().trustDomain())
                        .getSocketFactory()
                        .createSocket(s, s.getInetAddress().getHostAddress(), s.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(Mtls.serverParameters(Mtls.ClientAuth.REQUIRED));
        tls.startHandshake();
        SpiffeId peer = Mtls.peerIdentity(tls.getSession());
        try {
            HboneServer.create(req -> {
                        connects.add(new Connect(peer, req.authority()));
                        Socket app = new Socket(InetAddress.ofLiteral(req.host()), req.port());
                        return HboneVerdict.accept(HboneHeaders.empty(), stream -> {
                            try {
                                Relay.relay(stream.relaySide(), Relay.Side.of(app));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                app.close();
                            }
                        });
                    })
                    .serve(tls);
        } catch (HboneException e) {
            // connection ended
        }
    }

    @Override
    public void close() throws IOException {
        release();
        http.stop(0);
        echo.close();
        greeter.close();
        upgrader.close();
        hbone.close();
        for (Socket s : List.copyOf(open)) {
            s.close();
        }
    }
}
