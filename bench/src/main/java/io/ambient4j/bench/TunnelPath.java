package io.ambient4j.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One way from the load generator to the sink that the tunnel benchmark measures: a direct connection, a stunnel4
 * pair or a ztunnel pair. Every path ends in the same {@link Sink}, so the differences between paths are what the
 * proxies add. A path owns the processes it started and stops them on {@link #close()}.
 */
interface TunnelPath extends AutoCloseable {
    /** Short name used in the report ({@code direct}, {@code stunnel}, {@code ztunnel}). */
    String name();

    /** Where the load generator connects. */
    InetSocketAddress entry();

    /** The source address the load generator binds (the client pod's IP for ztunnel). */
    InetAddress bindFrom();

    /** The proxy processes on this path (client side first), for RSS; empty for a direct connection. */
    List<ProxyProcess> processes();

    /** What this path runs, one line for the report. */
    String description();

    @Override
    void close() throws IOException;

    /** A proxy process of a path and its role in it. */
    record ProxyProcess(String role, Process process) {
        long pid() {
            return process.pid();
        }
    }

    /** The baseline: straight to the sink. */
    static TunnelPath direct(InetSocketAddress sink, InetAddress bindFrom) {
        return new TunnelPath() {
            @Override
            public String name() {
                return "direct";
            }

            @Override
            public InetSocketAddress entry() {
                return sink;
            }

            @Override
            public InetAddress bindFrom() {
                return bindFrom;
            }

            @Override
            public List<ProxyProcess> processes() {
                return List.of();
            }

            @Override
            public String description() {
                return "TCP straight to the sink";
            }

            @Override
            public void close() {}
        };
    }
}
