package io.ambient4j.conformance.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Netty handlers that answer every request with an {@link EchoReply}. They run in an EmbeddedChannel
 * driven by a virtual thread per connection (see {@link EchoServer}), so Netty is used as a codec on
 * bytes and no event loop is involved.
 */
final class EchoHttpHandlers {
    private EchoHttpHandlers() {}

    /** Identity of the pod and connection the reply reports. */
    record Who(String pod, String namespace, int localPort, String peerIp, int peerPort) {}

    /** HTTP/1.1 (after HttpServerCodec and HttpObjectAggregator). */
    static final class Http1 extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Who who;

        Http1(Who who) {
            this.who = who;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            req.headers().forEach(h -> headers.add(new AbstractMap.SimpleEntry<>(h.getKey(), h.getValue())));
            String host = req.headers().get(HttpHeaderNames.HOST, "");
            EchoReply reply = new EchoReply(
                    who.pod(),
                    who.namespace(),
                    who.localPort(),
                    "HTTP/1.1",
                    req.method().name(),
                    req.uri(),
                    host,
                    who.peerIp(),
                    who.peerPort(),
                    headers);
            byte[] body = reply.render().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse resp = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(resp, keepAlive);
            var done = ctx.writeAndFlush(resp);
            if (!keepAlive) {
                done.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** HTTP/2 frames (after Http2FrameCodec); one reply per stream at END_STREAM. */
    static final class Http2 extends ChannelDuplexHandler {
        private final Who who;
        /** A request body larger than this is not kept (the echo reports headers, not bodies). */
        private static final int MAX_BODY = 1 << 20;

        private final Map<Integer, Http2Headers> pending = new HashMap<>();
        private final Map<Integer, ByteArrayOutputStream> bodies = new HashMap<>();

        Http2(Who who) {
            this.who = who;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                if (h.isEndStream()) {
                    // END_STREAM on HEADERS: a request without a body, or the trailers of one with a body
                    Http2Headers headers = pending.remove(h.stream().id());
                    ByteArrayOutputStream body = bodies.remove(h.stream().id());
                    reply(ctx, h.stream(), headers != null ? headers : h.headers(), bytes(body));
                } else {
                    pending.put(h.stream().id(), h.headers());
                }
            } else if (msg instanceof Http2DataFrame d) {
                try {
                    int id = d.stream().id();
                    ByteArrayOutputStream body = bodies.computeIfAbsent(id, k -> new ByteArrayOutputStream());
                    int n = d.content().readableBytes();
                    if (body.size() + n <= MAX_BODY) {
                        byte[] chunk = new byte[n];
                        d.content().getBytes(d.content().readerIndex(), chunk);
                        body.writeBytes(chunk);
                    }
                    if (d.isEndStream()) {
                        Http2Headers headers = pending.remove(id);
                        bodies.remove(id);
                        if (headers != null) {
                            reply(ctx, d.stream(), headers, body.toByteArray());
                        }
                    }
                } finally {
                    d.release();
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        private static byte[] bytes(ByteArrayOutputStream b) {
            return b == null ? new byte[0] : b.toByteArray();
        }

        private void reply(ChannelHandlerContext ctx, Http2FrameStream stream, Http2Headers req, byte[] requestBody) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            req.forEach(h -> {
                String name = h.getKey().toString();
                if (!name.startsWith(":")) {
                    headers.add(new AbstractMap.SimpleEntry<>(name, h.getValue().toString()));
                }
            });
            EchoReply reply = new EchoReply(
                    who.pod(),
                    who.namespace(),
                    who.localPort(),
                    "HTTP/2.0",
                    str(req.method()),
                    str(req.path()),
                    str(req.authority()),
                    who.peerIp(),
                    who.peerPort(),
                    headers);
            CharSequence type = req.get("content-type");
            if (type != null && type.toString().startsWith(GrpcEcho.CONTENT_TYPE)) {
                grpc(ctx, stream, req, requestBody, reply);
                return;
            }
            byte[] body = reply.render().getBytes(StandardCharsets.UTF_8);
            Http2Headers out = new DefaultHttp2Headers()
                    .status("200")
                    .set("content-type", "text/plain; charset=utf-8")
                    .setInt("content-length", body.length);
            ctx.write(new DefaultHttp2HeadersFrame(out).stream(stream));
            ByteBuf data = Unpooled.wrappedBuffer(body);
            ctx.writeAndFlush(new DefaultHttp2DataFrame(data, true).stream(stream));
        }

        /** A unary gRPC answer: headers, one message frame, trailers with grpc-status (trailers only on error). */
        private static void grpc(
                ChannelHandlerContext ctx, Http2FrameStream stream, Http2Headers req, byte[] body, EchoReply reply) {
            int status;
            String message;
            if (!GrpcEcho.PATH.equals(str(req.path()))) {
                status = GrpcEcho.UNIMPLEMENTED;
                message = "unknown method " + str(req.path());
            } else if (GrpcEcho.unframe(body).isEmpty()) {
                status = GrpcEcho.INVALID_ARGUMENT;
                message = "the request is not one uncompressed EchoRequest frame";
            } else {
                status = GrpcEcho.OK;
                message = "";
            }
            Http2Headers head = new DefaultHttp2Headers().status("200").set("content-type", GrpcEcho.CONTENT_TYPE);
            if (status != GrpcEcho.OK) {
                head.setInt("grpc-status", status).set("grpc-message", message);
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(head, true).stream(stream));
                return;
            }
            ctx.write(new DefaultHttp2HeadersFrame(head).stream(stream));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(GrpcEcho.frame(reply.render())), false)
                    .stream(stream));
            Http2Headers trailers = new DefaultHttp2Headers().setInt("grpc-status", GrpcEcho.OK);
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true).stream(stream));
        }

        private static String str(CharSequence s) {
            return s == null ? "" : s.toString();
        }
    }
}
