package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Mtls;
import io.ambient4j.common.tls.PeerCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with an independent HTTP/2 implementation: Netty's codec-http2 as CONNECT server and as
 * CONNECT client, over mutual TLS 1.3 with SPIFFE certificates. Netty's hostname verification is off;
 * the SPIFFE SAN is checked by the mesh trust manager and asserted again after the handshake.
 */
class HboneNettyInteropTest {
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final ApplicationProtocolConfig H2 = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2);

    private final TlsFixture tls = new TlsFixture();
    private Channel nettyChannel;

    @AfterEach
    void close() throws IOException {
        if (nettyChannel != null) {
            nettyChannel.close().syncUninterruptibly();
        }
        tls.close();
    }

    @AfterAll
    static void stopNetty() {
        GROUP.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---------------------------------------------------------------- (1) our client -> Netty server

    /** A CONNECT echo server on Netty's frame codec; records what it saw. */
    private static final class NettyConnectEcho extends ChannelInboundHandlerAdapter {
        final ConcurrentLinkedQueue<Http2Headers> requests = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<SpiffeId> clientIds = new ConcurrentLinkedQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                requests.add(h.headers());
                clientIds.add(Mtls.peerIdentity(
                        ctx.pipeline().get(SslHandler.class).engine().getSession()));
                String status = "CONNECT".contentEquals(h.headers().method()) ? "200" : "400";
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                                new DefaultHttp2Headers().status(status).add("baggage", "k8s.pod.name=netty"),
                                h.isEndStream())
                        .stream(h.stream()));
            } else if (msg instanceof Http2DataFrame d) {
                int consumed = d.initialFlowControlledBytes();
                ctx.write(new DefaultHttp2DataFrame(d.content().retain(), d.isEndStream()).stream(d.stream()));
                if (consumed > 0) {
                    ctx.write(new DefaultHttp2WindowUpdateFrame(consumed).stream(d.stream()));
                }
                ctx.flush();
                d.release();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private int startNettyServer(NettyConnectEcho echo) throws Exception {
        return startNettyServer(echo, io.netty.handler.codec.http2.Http2Settings.defaultSettings());
    }

    private int startNettyServer(NettyConnectEcho echo, io.netty.handler.codec.http2.Http2Settings settings)
            throws Exception {
        SslContext ssl = SslContextBuilder.forServer(Mtls.keyManager(tls.serverKey))
                .trustManager(Mtls.trustManager(tls.pki.roots(), PeerCheck.trustDomain("cluster.local")))
                .clientAuth(ClientAuth.REQUIRE)
                .sslProvider(SslProvider.JDK)
                .protocols(Mtls.TLS_1_3)
                .applicationProtocolConfig(H2)
                .build();
        ServerBootstrap b = new ServerBootstrap()
                .group(GROUP)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        ssl.newHandler(ch.alloc()),
                                        Http2FrameCodecBuilder.forServer()
                                                .initialSettings(settings)
                                                .build(),
                                        echo);
                    }
                });
        nettyChannel = b.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return ((InetSocketAddress) nettyChannel.localAddress()).getPort();
    }

    @Test
    void C062_ourClientTunnelsThroughNettysConnectServer() throws Exception {
        NettyConnectEcho echo = new NettyConnectEcho();
        int port = startNettyServer(echo);
        try (HboneClient client = tls.client(port, HboneSettings.defaults())) {
            HboneStream stream = client.open(
                    "10.0.0.1:9080",
                    HboneHeaders.of("baggage", "k8s.namespace.name=client-ns", "forwarded", "for=\"10.0.0.9:1\""));
            assertThat(stream.responseHeaders().first("baggage")).contains("k8s.pod.name=netty");
            byte[] data = TlsFixture.pattern(2 * 1024 * 1024 + 3, 5);
            assertThat(HboneTunnelTest.roundTrip(stream, data)).isEqualTo(data);

            // several tunnels at once on the same connection
            List<Thread> threads = new CopyOnWriteArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        HboneStream s = client.open("[fd00::2]:" + (8000 + n), HboneHeaders.empty());
                        byte[] d = TlsFixture.pattern(300_000 + n, n);
                        if (!java.util.Arrays.equals(HboneTunnelTest.roundTrip(s, d), d)) {
                            failures.add(new AssertionError("stream " + n));
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
        }
        Http2Headers first = echo.requests.peek();
        assertThat(first.method().toString()).isEqualTo("CONNECT");
        assertThat(first.authority().toString()).isEqualTo("10.0.0.1:9080");
        assertThat(first.path()).isNull();
        assertThat(first.scheme()).isNull();
        assertThat(first.get("baggage").toString()).isEqualTo("k8s.namespace.name=client-ns");
        assertThat(echo.requests).hasSize(9);
        assertThat(echo.clientIds).containsOnly(TlsFixture.CLIENT_ID);
    }

    @Test
    void ourClientHonoursTheServersMaxConcurrentStreams() throws Exception {
        int port = startNettyServer(
                new NettyConnectEcho(),
                io.netty.handler.codec.http2.Http2Settings.defaultSettings().maxConcurrentStreams(10));
        try (HboneClient client = tls.client(port, HboneSettings.defaults())) {
            assertThat(client.maxStreams()).isEqualTo(10);
            List<HboneStream> open = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 10; i++) {
                open.add(client.open("10.0.0.1:80", HboneHeaders.empty()));
            }
            assertThat(client.tryReserve()).isFalse();
            AtomicReference<HboneStream> eleventh = new AtomicReference<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    eleventh.set(client.open("10.0.0.1:80", HboneHeaders.empty()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> waiter.getState() == Thread.State.WAITING);
            assertThat(eleventh.get()).isNull();
            HboneStream first = open.getFirst();
            first.output().close();
            assertThat(first.input().readAllBytes()).isEmpty();
            waiter.join(java.time.Duration.ofSeconds(10));
            assertThat(eleventh.get()).isNotNull();
            byte[] data = "after the cap".getBytes();
            assertThat(HboneTunnelTest.roundTrip(eleventh.get(), data)).isEqualTo(data);
        }
    }

    @Test
    void C071_ourClientRefusesANettyServerWithTheWrongIdentity() throws Exception {
        int port = startNettyServer(new NettyConnectEcho());
        javax.net.ssl.SSLContext expectsOther =
                tls.pki.clientContext(tls.clientKey, SpiffeId.of("", "server-ns", "someone-else"));
        assertThatThrownBy(() -> {
                    var socket = (javax.net.ssl.SSLSocket)
                            expectsOther.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
                    HboneClient.connect(socket, HboneSettings.defaults());
                })
                .isInstanceOf(HboneException.class)
                .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    // ---------------------------------------------------------------- (2) Netty client -> our server

    /** Collects one Netty client stream's frames. */
    private static final class StreamCollector extends ChannelInboundHandlerAdapter {
        final List<Http2Headers> headers = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final AtomicReference<Long> reset = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean dataBeforeHeaders;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                headers.add(h.headers());
                if (h.isEndStream()) {
                    done.countDown();
                }
            } else if (msg instanceof Http2DataFrame d) {
                dataBeforeHeaders |= headers.isEmpty();
                synchronized (data) {
                    data.writeBytes(ByteBufUtil.getBytes(d.content()));
                }
                if (d.isEndStream()) {
                    done.countDown();
                }
            } else if (msg instanceof Http2ResetFrame r) {
                reset.set(r.errorCode());
                done.countDown();
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private Channel nettyClient(int port) throws Exception {
        SslContext ssl = SslContextBuilder.forClient()
                .keyManager(Mtls.keyManager(tls.clientKey))
                .trustManager(Mtls.trustManager(tls.pki.roots(), PeerCheck.oneOf(Set.of(TlsFixture.SERVER_ID))))
                .endpointIdentificationAlgorithm(null) // no hostname check: the SPIFFE SAN is checked instead
                .sslProvider(SslProvider.JDK)
                .protocols(Mtls.TLS_1_3)
                .applicationProtocolConfig(H2)
                .build();
        Bootstrap b = new Bootstrap()
                .group(GROUP)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        ssl.newHandler(ch.alloc()),
                                        Http2FrameCodecBuilder.forClient().build(),
                                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                });
        Channel ch = b.connect(InetAddress.getLoopbackAddress(), port).sync().channel();
        SslHandler sslHandler = ch.pipeline().get(SslHandler.class);
        sslHandler.handshakeFuture().sync();
        assertThat(sslHandler.applicationProtocol()).isEqualTo("h2");
        assertThat(Mtls.peerIdentity(sslHandler.engine().getSession())).isEqualTo(TlsFixture.SERVER_ID);
        nettyChannel = ch;
        return ch;
    }

    private static StreamCollector connect(Channel ch, String authority, byte[] body) throws Exception {
        StreamCollector collector = new StreamCollector();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(ch)
                .handler(collector)
                .open()
                .sync()
                .getNow();
        stream.write(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers()
                        .method("CONNECT")
                        .authority(authority)
                        .add("baggage", "k8s.namespace.name=netty-ns")
                        .add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"),
                false));
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        return collector;
    }

    @Test
    void C062_nettysConnectClientTunnelsThroughOurServer() throws Exception {
        ConcurrentLinkedQueue<HboneRequest> seen = new ConcurrentLinkedQueue<>();
        int port = tls.serve(HboneServer.create(request -> {
            seen.add(request);
            return HboneVerdict.accept(HboneHeaders.of("baggage", "k8s.pod.name=ours"), TlsFixture::echo);
        }));
        Channel ch = nettyClient(port);
        byte[] body = TlsFixture.pattern(3 * 1024 * 1024 + 11, 7);
        StreamCollector big = connect(ch, "10.0.0.1:8080", body);
        StreamCollector v6 = connect(ch, "[fd00::3]:443", "hello".getBytes());
        assertThat(big.done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(v6.done.await(60, TimeUnit.SECONDS)).isTrue();

        assertThat(big.reset.get()).isNull();
        assertThat(big.headers).singleElement().satisfies(h -> {
            assertThat(h.status().toString()).isEqualTo("200");
            assertThat(h.get("baggage").toString()).isEqualTo("k8s.pod.name=ours");
        });
        synchronized (big.data) {
            assertThat(big.data.toByteArray()).isEqualTo(body);
        }
        synchronized (v6.data) {
            assertThat(v6.data.toString()).isEqualTo("hello");
        }
        assertThat(seen).extracting(HboneRequest::host).containsExactlyInAnyOrder("10.0.0.1", "fd00::3");
        assertThat(seen).allSatisfy(r -> {
            assertThat(r.headers().first("baggage")).contains("k8s.namespace.name=netty-ns");
            assertThat(r.headers().first("traceparent")).isPresent();
        });
    }

    @Test
    void C081_nettySeesTheRejectionStatusAndNo200() throws Exception {
        int port = tls.serve(HboneServer.create(
                request -> request.port() == 1 ? HboneVerdict.reject(401) : HboneVerdict.reject(503)));
        Channel ch = nettyClient(port);
        for (int[] c : new int[][] {{1, 401}, {2, 503}}) {
            StreamCollector s = connect(ch, "10.0.0.1:" + c[0], "ignored".getBytes());
            assertThat(s.done.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(s.headers)
                    .singleElement()
                    .satisfies(h -> assertThat(h.status().toString()).isEqualTo(Integer.toString(c[1])));
            assertThat(s.dataBeforeHeaders).isFalse();
            synchronized (s.data) {
                assertThat(s.data.size()).isZero();
            }
        }
    }
}
