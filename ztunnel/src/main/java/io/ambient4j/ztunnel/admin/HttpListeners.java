package io.ambient4j.ztunnel.admin;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Plain HTTP/1.1 listeners on the JDK's built-in server ({@code jdk.httpserver}), each with an exact-path routing
 * table, their handlers on virtual threads. ztunnel's admin, stats and readiness endpoints are a few small requests a
 * minute; this keeps them off Helidon's WebServer and the classes it loads at start. Handlers are functions from a
 * {@link Request} to a {@link Reply}, so the HTTP edge stays here. An unknown path gets 404 {@code Endpoint not found}, a handler that throws 500; repeated slashes in a path
 * collapse, a trailing slash does not match (both as the Helidon routing answered before).
 */
final class HttpListeners implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpListeners.class.getName());
    /** Every address (IPv4 and, on a dual-stack host, IPv6), as Helidon's default listener host was. */
    static final String WILDCARD = "0.0.0.0";

    static final String LOOPBACK = "127.0.0.1";
    private static final int BACKLOG = 1024;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    static {
        // The JDK server sets TCP_NODELAY only when asked; read once when its first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** One request's routing inputs; the body is not read (no endpoint takes one). */
    record Request(String method, Map<String, List<String>> query, Headers headers) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.getFirst(name));
        }

        /** The first value of a query parameter, decoded. */
        Optional<String> queryParam(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }
    }

    /** A complete answer; {@code contentType} null sends none; {@code after} runs once the reply is sent. */
    record Reply(int status, String contentType, String body, Runnable after) {
        static final Reply NOT_FOUND = text(404, "Endpoint not found");
        static final Reply BAD_QUERY = text(400, "Invalid query string\n");
        static final Reply FAILED = text(500, "Internal Server Error\n");

        Reply(int status, String contentType, String body) {
            this(status, contentType, body, () -> {});
        }

        static Reply text(int status, String body) {
            return new Reply(status, "text/plain", body);
        }

        Reply andThen(Runnable next) {
            return new Reply(status, contentType, body, next);
        }
    }

    /** An endpoint. */
    @FunctionalInterface
    interface Handler {
        Reply handle(Request request);
    }

    private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ztunnel-admin-http-", 0).factory());
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Binds {@code host:port} (0 = any free port) and serves {@code routes} (exact paths) until {@link #close}; returns
     * the bound port.
     */
    int listen(String name, String host, int port, Map<String, Handler> routes) throws IOException {
        if (closed.get()) {
            throw new IllegalStateException("listeners already closed");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> serve(name, routes, exchange));
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    private static void serve(String listener, Map<String, Handler> routes, HttpExchange exchange) throws IOException {
        Reply reply;
        try (exchange) {
            reply = answer(listener, routes, exchange);
            send(exchange, reply);
        }
        reply.after().run();
    }

    private static Reply answer(String listener, Map<String, Handler> routes, HttpExchange exchange) {
        String path = normalize(path(exchange.getRequestURI()));
        Handler handler = routes.get(path);
        if (handler == null) {
            return Reply.NOT_FOUND;
        }
        Map<String, List<String>> query;
        try {
            query = parseQuery(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException bad) {
            return Reply.BAD_QUERY;
        }
        try {
            return handler.handle(new Request(exchange.getRequestMethod(), query, exchange.getRequestHeaders()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, listener + " listener: " + exchange.getRequestMethod() + " " + path + " failed", e);
            return Reply.FAILED;
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        // -1: no body (Content-Length: 0); a HEAD request never gets one.
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(reply.status(), body.length == 0 || head ? -1 : body.length);
        if (body.length > 0 && !head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The decoded path; a request target {@code //a/b} parses as authority {@code a}, which is put back. */
    static String path(URI target) {
        String path = target.getPath();
        if (target.getScheme() == null && target.getAuthority() != null) {
            return "//" + target.getAuthority() + (path == null ? "" : path);
        }
        return path;
    }

    /** {@code //a//b} is {@code /a/b}; an empty path is {@code /}. */
    static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.indexOf("//") < 0 ? path : path.replaceAll("/{2,}", "/");
    }

    /** {@code a=1&b&a=2} → {a=[1, 2], b=[""]}, decoded; a malformed escape throws IllegalArgumentException. */
    static Map<String, List<String>> parseQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
        }
        return out;
    }

    /** Stops every listener (their connections close), then ends the handler threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (HttpServer server : servers) {
            server.stop(0);
        }
        handlers.shutdownNow();
        try {
            if (!handlers.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "admin HTTP handlers still running {0} after close", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
