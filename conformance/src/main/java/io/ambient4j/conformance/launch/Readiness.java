package io.ambient4j.conformance.launch;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until a component answers its readiness endpoint with HTTP 200, asked from inside the component's
 * namespace (the way a kubelet readiness probe reaches a hostNetwork pod).
 */
public final class Readiness {
    private Readiness() {}

    /** One HTTP GET; true on status 200. */
    static boolean ok(NetnsExecutor executor, String netns, int port, String path) {
        try (Netns ns = Netns.named(netns);
                SocketChannel ch = executor.call(ns, SocketChannel::open)) {
            Socket s = ch.socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] head = s.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until ready, the process dies, or the deadline passes; returns why it is not ready, or null. */
    public static String await(NetnsExecutor executor, ComponentSpec spec, Process process, Duration timeout) {
        if (spec.readyPort() <= 0) {
            return null;
        }
        Instant deadline = Instant.now().plus(timeout);
        do {
            if (!process.isAlive()) {
                return spec.instance() + " exited with " + process.exitValue() + " (see its log)";
            }
            if (ok(executor, spec.netns(), spec.readyPort(), spec.readyPath())) {
                return null;
            }
            try {
                process.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        } while (Instant.now().isBefore(deadline));
        return spec.instance() + " was not ready on :" + spec.readyPort() + spec.readyPath() + " within "
                + timeout.toSeconds() + "s";
    }
}
