package io.ambient4j.ztunnel.dns;

import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.dns.DnsForwardException.Reason;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Sends a query the mesh does not answer to the upstream resolvers from ztunnel's resolv.conf, through the pod's
 * {@link SocketFactory}: in-pod, the socket lives in the pod's netns and carries mark 0x539, so the pod's DNS
 * redirect lets it through. The query goes out as the client wrote it, under a fresh random id: over UDP (and again
 * over TCP when the UDP answer is truncated), or over TCP when the client asked over TCP. Servers are tried in order,
 * {@code attempts} rounds, each attempt bounded by the resolv.conf timeout; blocking, on the caller's virtual thread.
 */
public final class DnsForwarder {
    private static final System.Logger LOG = System.getLogger(DnsForwarder.class.getName());
    private static final int MAX_UDP_RESPONSE = 65_535;

    private final ResolvConf conf;
    private final SocketFactory sockets;
    private final RandomGenerator random;

    public DnsForwarder(ResolvConf conf, SocketFactory sockets, RandomGenerator random) {
        this.conf = conf;
        this.sockets = sockets;
        this.random = random;
    }

    /**
     * Forwards {@code query} (the client's bytes, header readable) and returns the upstream's response bytes with the
     * client's id restored.
     */
    public byte[] forward(byte[] query, boolean tcp) throws DnsForwardException {
        int clientId = DnsCodec.u16(query, 0);
        int upstreamId = random.nextInt(0x10000);
        byte[] out = query.clone();
        out[0] = (byte) (upstreamId >> 8);
        out[1] = (byte) upstreamId;
        DnsForwardException last = null;
        for (int attempt = 0; attempt < conf.attempts(); attempt++) {
            for (InetSocketAddress server : conf.nameservers()) {
                try {
                    byte[] response = tcp ? viaTcp(server, out, upstreamId) : viaUdp(server, out, upstreamId);
                    if (!tcp && (response[2] & 0x02) != 0) {
                        // TC: the full answer needs TCP.
                        response = viaTcp(server, out, upstreamId);
                    }
                    response[0] = (byte) (clientId >> 8);
                    response[1] = (byte) clientId;
                    return response;
                } catch (DnsForwardException e) {
                    LOG.log(Level.DEBUG, "DNS upstream {0} failed: {1}", server, e.getMessage());
                    last = e;
                }
            }
        }
        throw last != null ? last : new DnsForwardException(Reason.IO, "no upstream resolvers", null);
    }

    private byte[] viaUdp(InetSocketAddress server, byte[] query, int id) throws DnsForwardException {
        return bounded(server, () -> {
            try (DatagramChannel ch = sockets.connectUdp(server)) {
                ch.write(ByteBuffer.wrap(query));
                ByteBuffer buf = ByteBuffer.allocate(MAX_UDP_RESPONSE);
                while (true) {
                    buf.clear();
                    ch.read(buf);
                    buf.flip();
                    byte[] r = new byte[buf.remaining()];
                    buf.get(r);
                    if (isResponseTo(r, id)) {
                        return r;
                    }
                    LOG.log(Level.DEBUG, "DNS upstream {0}: ignoring a datagram that does not answer us", server);
                }
            }
        });
    }

    private byte[] viaTcp(InetSocketAddress server, byte[] query, int id) throws DnsForwardException {
        byte[] r = bounded(server, () -> {
            try (SocketChannel ch = sockets.connect(server)) {
                TcpFraming.write(ch, query);
                byte[] msg = TcpFraming.read(ch);
                if (msg == null) {
                    throw new IOException("upstream closed the connection without an answer");
                }
                return msg;
            }
        });
        if (!isResponseTo(r, id)) {
            throw new DnsForwardException(Reason.BAD_RESPONSE, "TCP answer from " + server + " does not match", null);
        }
        return r;
    }

    private static boolean isResponseTo(byte[] r, int id) {
        return r.length >= DnsCodec.HEADER_LENGTH && DnsCodec.u16(r, 0) == id && (r[2] & 0x80) != 0;
    }

    /** Runs one exchange on its own virtual thread; past the deadline it is interrupted (closing its socket). */
    private byte[] bounded(InetSocketAddress server, Callable<byte[]> exchange) throws DnsForwardException {
        FutureTask<byte[]> task = new FutureTask<>(exchange);
        Thread.ofVirtual().name("dns-upstream").start(task);
        Duration timeout = conf.timeout();
        try {
            return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new DnsForwardException(Reason.TIMEOUT, server + " did not answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw new DnsForwardException(Reason.IO, server + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new DnsForwardException(Reason.IO, "interrupted", e);
        }
    }
}
