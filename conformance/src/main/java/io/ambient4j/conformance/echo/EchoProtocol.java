package io.ambient4j.conformance.echo;

import java.util.Locale;

/**
 * What the echo app serves on a container port, decided by the port's name as upstream's echo ports
 * are named (conformance-catalogue "Echo ports"). Rules, first match wins, on the lower-cased name:
 * <ul>
 *   <li>contains {@code tcp-server} (e.g. {@code tcp-server}, {@code auto-tcp-server}) → {@link #SERVER_FIRST};</li>
 *   <li>starts with {@code tcp} or {@code auto-tcp} → {@link #TCP} echo;</li>
 *   <li>{@code https}/{@code auto-https} → {@link #HTTPS} (HTTP/1.1 over TLS, a self-signed certificate);</li>
 *   <li>starts with {@code http}, {@code auto-http}, {@code grpc}, {@code auto-grpc} → {@link #HTTP}
 *       (HTTP/1.1 and HTTP/2 prior-knowledge h2c on the same port; gRPC requests get gRPC answers);</li>
 *   <li>anything else, or no name → {@link #TCP}.</li>
 * </ul>
 * A name containing {@code localhost} binds 127.0.0.1 only (upstream's {@code http-localhost}).
 */
public enum EchoProtocol {
    HTTP,
    HTTPS,
    TCP,
    SERVER_FIRST;

    /** The protocol for a port name (pure). */
    public static EchoProtocol forPortName(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (n.contains("tcp-server")) {
            return SERVER_FIRST;
        }
        if (n.startsWith("https") || n.startsWith("auto-https")) {
            return HTTPS;
        }
        if (n.startsWith("http") || n.startsWith("auto-http") || n.startsWith("grpc") || n.startsWith("auto-grpc")) {
            return HTTP;
        }
        return TCP;
    }

    /** Whether the port binds loopback only (pure). */
    public static boolean loopbackOnly(String name) {
        return name != null && name.toLowerCase(Locale.ROOT).contains("localhost");
    }
}
