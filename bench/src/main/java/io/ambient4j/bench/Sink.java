package io.ambient4j.bench;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The benchmark's application: the first byte picks the mode. {@code B}: count bytes to EOF, answer the count (8
 * bytes). {@code P}: echo everything (request/response latency and idle connections).
 */
final class Sink implements AutoCloseable {
    private final ServerSocket server;

    Sink(InetSocketAddress bind) throws IOException {
        server = new ServerSocket();
        server.bind(bind, 2048);
        Thread.ofPlatform().daemon().name("sink-accept").start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread.ofVirtual().name("sink").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int mode = in.read();
            byte[] buf = new byte[64 * 1024];
            if (mode == 'B') {
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    total += n;
                }
                new DataOutputStream(out).writeLong(total);
            } else if (mode == 'P') {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
