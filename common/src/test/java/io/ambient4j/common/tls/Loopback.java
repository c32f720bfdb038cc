package io.ambient4j.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One real TLS connection over 127.0.0.1: the server accepts on a virtual thread, both sides handshake,
 * then the client sends one byte and the server echoes it +1, so data flows both ways.
 */
final class Loopback implements AutoCloseable {

    /** What one side saw: its session, negotiated ALPN, the SNI names the server was asked for. */
    record Side(SSLSession session, String alpn, int echoed, int requestedServerNames) {}

    /** Either a side's result or the exception it ended with. */
    record Outcome(Side side, Throwable error) {
        boolean ok() {
            return error == null;
        }

        /** All messages along the cause chain, for asserting on the verification message. */
        String messages() {
            StringBuilder b = new StringBuilder();
            for (Throwable t = error; t != null; t = t.getCause()) {
                b.append(t.getClass().getSimpleName())
                        .append(": ")
                        .append(t.getMessage())
                        .append(" | ");
            }
            return b.toString();
        }
    }

    /** Both outcomes of one connection. */
    record Result(Outcome client, Outcome server) {}

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final SSLServerSocket listener;

    Loopback(SSLContext serverContext) throws IOException {
        listener = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    Result connect(SSLContext clientContext) throws Exception {
        Future<Outcome> server = threads.submit(this::serveOne);
        Outcome client = clientSide(clientContext);
        Outcome serverOutcome;
        try {
            serverOutcome = server.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            serverOutcome = new Outcome(null, e.getCause());
        }
        return new Result(client, serverOutcome);
    }

    /** Accepts and serves one connection in the background (for a client that is not ours). */
    Future<Outcome> acceptOne() {
        return threads.submit(this::serveOne);
    }

    int port() {
        return listener.getLocalPort();
    }

    private Outcome serveOne() {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int b = in.read();
            out.write(b + 1);
            out.flush();
            SSLSession session = socket.getSession();
            int sni = ((ExtendedSSLSession) session).getRequestedServerNames().size();
            return new Outcome(new Side(session, socket.getApplicationProtocol(), b, sni), null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, e);
        }
    }

    private Outcome clientSide(SSLContext context) {
        try (SSLSocket socket = (SSLSocket)
                context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(41);
            out.flush();
            int echoed = socket.getInputStream().read();
            if (echoed < 0) {
                throw new IOException("server closed the connection without answering");
            }
            return new Outcome(new Side(socket.getSession(), socket.getApplicationProtocol(), echoed, 0), null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, e);
        }
    }

    /** A plain socket client through {@code context}, used to compare with an unconfigured JDK client. */
    Outcome rawClient(SSLContext context) throws Exception {
        Future<Outcome> server = threads.submit(this::serveOne);
        Outcome out;
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                SSLSocket socket = (SSLSocket)
                        context.getSocketFactory().createSocket(plain, "127.0.0.1", listener.getLocalPort(), true)) {
            Mtls.configureClient(socket);
            socket.startHandshake();
            socket.getOutputStream().write(1);
            socket.getOutputStream().flush();
            int echoed = socket.getInputStream().read();
            out = new Outcome(new Side(socket.getSession(), socket.getApplicationProtocol(), echoed, 0), null);
        }
        server.get(10, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
