package io.ambient4j.common.hbone;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.testing.TestPki;
import io.ambient4j.common.tls.CertifiedKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** Mesh PKI plus an HBONE listener on loopback, as ztunnel's 15008 would run it (one thread per connection). */
final class TlsFixture implements AutoCloseable {
    static final SpiffeId SERVER_ID = SpiffeId.of("", "server-ns", "server-sa");
    static final SpiffeId CLIENT_ID = SpiffeId.of("", "client-ns", "client-sa");

    final TestPki pki = TestPki.create();
    final CertifiedKey serverKey = pki.issue(SERVER_ID);
    final CertifiedKey clientKey = pki.issue(CLIENT_ID);
    final SSLContext serverContext = pki.serverContext(serverKey);
    final SSLContext clientContext = pki.clientContext(clientKey, SERVER_ID);
    final AtomicInteger accepted = new AtomicInteger();
    private ServerSocket listener;

    /** Starts serving {@code server} on an ephemeral loopback port; returns the port. */
    int serve(HboneServer server) throws IOException {
        SSLServerSocket ss = (SSLServerSocket)
                serverContext.getServerSocketFactory().createServerSocket(0, 200, InetAddress.getLoopbackAddress());
        listener = ss;
        Thread.ofVirtual().name("test-accept").start(() -> {
            while (true) {
                SSLSocket s;
                try {
                    s = (SSLSocket) ss.accept();
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try {
                        server.serve(s);
                    } catch (HboneException e) {
                        // connection ended; the tests assert on what the client saw
                    }
                });
            }
        });
        return ss.getLocalPort();
    }

    SSLSocket dial(int port) throws IOException {
        return (SSLSocket) clientContext.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    }

    HboneClient client(int port, HboneSettings settings) throws IOException {
        return HboneClient.connect(dial(port), settings);
    }

    @Override
    public void close() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }

    /** Echoes every byte back and half-closes after the peer did: the usual tunnel test body. */
    static void echo(HboneStream stream) throws IOException {
        byte[] buf = new byte[32 * 1024];
        int n;
        while ((n = stream.input().read(buf)) >= 0) {
            stream.output().write(buf, 0, n);
        }
        stream.output().close();
    }

    static byte[] pattern(int size, int seed) {
        byte[] b = new byte[size];
        java.util.Random r = new java.util.Random(seed);
        r.nextBytes(b);
        return b;
    }
}
