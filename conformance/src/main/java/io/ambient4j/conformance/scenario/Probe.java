package io.ambient4j.conformance.scenario;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.conformance.echo.ByteBufs;
import io.ambient4j.conformance.echo.GrpcEcho;
import io.ambient4j.conformance.services.DnsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.HttpToHttp2ConnectionHandler;
import io.netty.handler.codec.http2.HttpToHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.InboundHttp2ToHttpAdapterBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client that runs inside a namespace: its sockets are created there (so the connection leaves from the
 * pod, through whatever redirection the pod has), names are resolved by the pod's own nameserver over UDP
 * from inside the pod, and the outcome is classified the way checks need it (refused, reset, timeout, EOF,
 * HTTP status and body, TCP reply).
 */
public final class Probe {
    private final NetnsExecutor executor;

    public Probe(NetnsExecutor executor) {
        this.executor = executor;
    }

    /**
     * A probe for the namespace this process runs in (a container's own network), with the names resolved through
     * {@code /etc/resolv.conf}: the echo image's {@code probe} mode, run by {@code kubectl exec} in a cluster pod.
     * Its {@link #run} takes {@code null} as the namespace.
     */
    public static Probe here() {
        return new Probe(null);
    }

    /**
     * Connects from {@code netns} ({@code null}: this process's own namespace, see {@link #here}) to {@code url}
     * (http, https, h2c, grpc, tcp, tcp-server).
     */
    public Outcome run(
            String netns, String url, String method, Map<String, String> headers, String send, Duration timeout) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme();
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
        String host = uri.getHost();
        String ip;
        try {
            ip = resolve(netns, host, timeout);
        } catch (IOException e) {
            return Outcome.failed("dns", e.getMessage());
        }
        int ms = (int) timeout.toMillis();
        SocketChannel channel;
        try {
            channel = open(netns, SocketChannel::open);
        } catch (IOException e) {
            return Outcome.failed("other", "cannot open a socket in " + netns + ": " + e.getMessage());
        }
        try (channel) {
            Socket s = channel.socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), ms);
            } catch (IOException e) {
                return classify(e, true);
            }
            s.setSoTimeout(ms);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String authority = uri.getPort() > 0 ? host + ":" + port : host;
            return switch (scheme) {
                case "http" -> http1(s, method, authority, path, headers, send);
                case "https" -> http1(tls(s, host, port), method, authority, path, headers, send);
                case "h2c" -> http2(s, method, authority, path, headers);
                case "grpc" -> grpc(s, authority, headers, send);
                case "tcp" -> tcp(s, send, false);
                default -> tcp(s, send, true);
            };
        } catch (IOException e) {
            return classify(e, false);
        }
    }

    static Outcome classify(IOException e, boolean connecting) {
        String msg = String.valueOf(e.getMessage());
        String lower = msg.toLowerCase(Locale.ROOT);
        if (e instanceof SocketTimeoutException || lower.contains("timed out")) {
            return Outcome.failed("timeout", msg);
        }
        if (e instanceof ConnectException && lower.contains("refused")) {
            return Outcome.failed("refused", msg);
        }
        if (lower.contains("reset") || lower.contains("broken pipe")) {
            return Outcome.failed("reset", msg);
        }
        if (e instanceof NoRouteToHostException || e instanceof SocketException && lower.contains("unreachable")) {
            return Outcome.failed("other", "unreachable: " + msg);
        }
        return Outcome.failed(connecting ? "other" : "other", e.getClass().getSimpleName() + ": " + msg);
    }

    /**
     * TLS from the client over the connected socket, without verifying the server: the echo app's https ports use a
     * throwaway certificate, as upstream's echo clients skip verification; what is checked is that the app's own TLS
     * crosses the mesh intact. A failed handshake is an error of kind {@code tls}.
     */
    private static Socket tls(Socket s, String host, int port) throws IOException {
        try {
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new AnyServer()}, null);
            javax.net.ssl.SSLSocket ssl =
                    (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(s, host, port, true);
            ssl.setSoTimeout(s.getSoTimeout());
            ssl.startHandshake();
            return ssl;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Accepts any server certificate (see {@link #tls}). */
    private static final class AnyServer implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    private static Outcome http1(
            Socket s, String method, String authority, String path, Map<String, String> headers, String body)
            throws IOException {
        StringBuilder req = new StringBuilder();
        req.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        req.append("Host: ").append(authority).append("\r\n");
        req.append("User-Agent: ambient4j-conformance\r\n");
        req.append("Connection: close\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (bodyBytes.length > 0) {
            req.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        req.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.write(bodyBytes);
        out.flush();
        byte[] raw = readResponse(s.getInputStream());
        if (raw.length == 0) {
            return Outcome.failed("eof", "connection closed before any response");
        }
        try {
            HttpResponseText r = HttpResponseText.parse(raw);
            return Outcome.http(r.status(), r.headers(), r.body());
        } catch (IllegalArgumentException e) {
            return Outcome.failed("other", "bad HTTP response: " + e.getMessage());
        }
    }

    private static Outcome http2(Socket s, String method, String authority, String path, Map<String, String> headers)
            throws IOException {
        FullHttpResponse r = exchange(s, method, authority, path, headers, new byte[0]);
        if (r == null) {
            return Outcome.failed("eof", "connection closed before an HTTP/2 response");
        }
        try {
            return Outcome.http(r.status().code(), headersOf(r), r.content().toString(StandardCharsets.UTF_8));
        } finally {
            r.release();
        }
    }

    /**
     * A unary call of the echo app's gRPC method ({@link GrpcEcho}) over h2c: the outcome is HTTP-like, with the
     * grpc-status among the headers and the decoded EchoResponse message (the echo report) as the body; a
     * non-zero grpc-status is an error of kind {@code grpc}.
     */
    private static Outcome grpc(Socket s, String authority, Map<String, String> headers, String send)
            throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("content-type", GrpcEcho.CONTENT_TYPE);
        h.put("te", "trailers");
        byte[] request = GrpcEcho.frame(send == null ? "ambient4j-ping" : send);
        FullHttpResponse r = exchange(s, "POST", authority, GrpcEcho.PATH, h, request);
        if (r == null) {
            return Outcome.failed("eof", "connection closed before a gRPC response");
        }
        try {
            Map<String, String> got = headersOf(r);
            r.trailingHeaders().forEach(e -> got.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
            String status = got.get("grpc-status");
            if (!"0".equals(status)) {
                return Outcome.failed(
                        "grpc", "grpc-status " + status + ": " + got.getOrDefault("grpc-message", "(no message)"));
            }
            byte[] body = new byte[r.content().readableBytes()];
            r.content().getBytes(r.content().readerIndex(), body);
            java.util.Optional<String> msg = GrpcEcho.unframe(body);
            if (msg.isEmpty()) {
                return Outcome.failed("grpc", "the response is not one uncompressed EchoResponse frame");
            }
            return Outcome.http(r.status().code(), got, msg.get());
        } finally {
            r.release();
        }
    }

    private static Map<String, String> headersOf(FullHttpResponse r) {
        Map<String, String> h = new LinkedHashMap<>();
        r.headers().forEach(e -> h.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        return h;
    }

    /** One HTTP/2 request with prior knowledge; the response (trailers included), or null on EOF first. */
    private static FullHttpResponse exchange(
            Socket s, String method, String authority, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        DefaultHttp2Connection connection = new DefaultHttp2Connection(false);
        HttpToHttp2ConnectionHandler codec = new HttpToHttp2ConnectionHandlerBuilder()
                .connection(connection)
                .frameListener(new InboundHttp2ToHttpAdapterBuilder(connection)
                        .maxContentLength(1 << 20)
                        .propagateSettings(false)
                        .build())
                .build();
        List<FullHttpResponse> responses = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(codec, new SimpleChannelInboundHandler<FullHttpResponse>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
                responses.add(msg.retainedDuplicate());
            }
        });
        try {
            FullHttpRequest req = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path, Unpooled.wrappedBuffer(body));
            req.headers().set(HttpHeaderNames.HOST, authority);
            req.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
            req.headers().set(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(), 3);
            req.headers().set(HttpHeaderNames.USER_AGENT, "ambient4j-conformance");
            if (body.length > 0) {
                req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            }
            headers.forEach((k, v) -> req.headers().set(k.toLowerCase(Locale.ROOT), v));
            ch.writeOutbound(req);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16 * 1024];
            while (responses.isEmpty()) {
                flush(ch, out);
                int n = in.read(buf);
                if (n < 0) {
                    return null;
                }
                ch.writeInbound(Unpooled.wrappedBuffer(buf, 0, n).copy());
                ch.runPendingTasks();
            }
            FullHttpResponse r = responses.removeFirst();
            responses.forEach(FullHttpResponse::release);
            return r;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void flush(EmbeddedChannel ch, OutputStream out) throws IOException {
        ch.runPendingTasks();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            try {
                out.write(ByteBufs.bytes(b));
            } finally {
                b.release();
            }
        }
        out.flush();
    }

    private static Outcome tcp(Socket s, String send, boolean serverFirst) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        if (serverFirst) {
            int c;
            while ((c = in.read()) >= 0) {
                got.write(c);
                if (c == '\n') {
                    break;
                }
            }
            if (got.size() == 0) {
                return Outcome.failed("eof", "server-first port sent nothing");
            }
        }
        String payload = send == null ? "ambient4j-ping\n" : send;
        s.getOutputStream().write(payload.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        s.shutdownOutput();
        got.write(readAll(in));
        if (got.size() == 0) {
            return Outcome.failed("eof", "connection closed without a reply");
        }
        return Outcome.tcp(got.toString(StandardCharsets.UTF_8));
    }

    /** Reads one HTTP/1.1 response: to the end its framing declares, else to EOF. */
    private static byte[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            if (HttpResponseText.complete(out.toByteArray(), out.size())) {
                break;
            }
        }
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Opens a socket inside {@code netns}, or here when it is null. */
    private <T> T open(String netns, NetnsExecutor.Task<T> socket) throws IOException {
        if (netns == null) {
            return socket.run();
        }
        if (executor == null) {
            throw new IOException("this probe runs in its own namespace only (asked for " + netns + ")");
        }
        try (Netns ns = Netns.named(netns)) {
            return executor.call(ns, socket);
        }
    }

    /** Resolves {@code host} inside the namespace via its resolv.conf (search list, ndots 5). */
    String resolve(String netns, String host, Duration timeout) throws IOException {
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return host;
        }
        ResolvConf conf = ResolvConf.read(netns);
        List<String> candidates = new ArrayList<>();
        if (host.chars().filter(c -> c == '.').count() < 5 && !host.endsWith(".")) {
            conf.search().forEach(d -> candidates.add(host + "." + d));
        }
        candidates.add(host.endsWith(".") ? host.substring(0, host.length() - 1) : host);
        DatagramChannel ch = open(netns, DatagramChannel::open);
        try (ch) {
            ch.socket().setSoTimeout((int) Math.min(timeout.toMillis(), 2000));
            for (String name : candidates) {
                int id = ThreadLocalRandom.current().nextInt(1, 65535);
                ch.send(ByteBuffer.wrap(DnsMessage.query(id, name)), new InetSocketAddress(conf.nameserver(), 53));
                byte[] buf = new byte[1500];
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                ch.socket().receive(p);
                DnsMessage.Reply reply = DnsMessage.parseReply(buf, p.getLength());
                if (reply.rcode() == DnsMessage.RCODE_NOERROR
                        && !reply.addresses().isEmpty()) {
                    return reply.addresses().getFirst();
                }
            }
        }
        throw new IOException("cannot resolve " + host + " via " + conf.nameserver() + " (tried " + candidates + ")");
    }

    /** The nameserver and search list a namespace uses. */
    record ResolvConf(String nameserver, List<String> search) {
        static ResolvConf read(String netns) throws IOException {
            Path p = netns == null ? Path.of("/etc/resolv.conf") : Path.of("/etc/netns", netns, "resolv.conf");
            if (!Files.exists(p)) {
                throw new IOException("no " + p + " (namespaces without a resolv.conf cannot resolve names)");
            }
            String ns = null;
            List<String> search = new ArrayList<>();
            for (String line : Files.readAllLines(p)) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver") && ns == null) {
                    ns = f[1];
                } else if (f.length >= 2 && f[0].equals("search")) {
                    search.addAll(List.of(f).subList(1, f.length));
                }
            }
            if (ns == null) {
                throw new IOException(p + " names no nameserver");
            }
            return new ResolvConf(ns, search);
        }
    }
}
