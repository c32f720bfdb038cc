package io.ambient4j.ztunnel.xds;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A gRPC channel to istiod (xDS or CA) on Helidon's HTTP/2 client, in place of grpc-netty's {@code ManagedChannel}:
 * no Netty, no event-loop threads or pooled buffers; each call is its own HTTP/2 connection served by virtual threads,
 * gone when the call ends. grpc-java stubs run on {@link #channel()} unchanged. Every call carries istiod's headers
 * and a response size limit; {@link #close()} is the old {@code shutdownNow}: it cancels the calls in flight and
 * fails later ones with {@code UNAVAILABLE}.
 */
public final class IstiodChannel implements AutoCloseable {
    private final URI target;
    private final Channel transport;
    private final long maxInbound;
    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<GuardedCall<?, ?>> live = ConcurrentHashMap.newKeySet();
    private boolean closed;

    IstiodChannel(URI target, Channel transport, long maxInbound, List<ClientInterceptor> interceptors) {
        this.target = target;
        this.transport = transport;
        this.maxInbound = maxInbound;
        this.channel = ClientInterceptors.intercept(new Guarded(), interceptors);
    }

    /** The channel to build stubs on. */
    public Channel channel() {
        return channel;
    }

    /** The address this channel dials ({@code XDS_ADDRESS} or {@code CA_ADDRESS}). */
    public URI target() {
        return target;
    }

    /** Calls started and not yet ended (tests check nothing is left behind). */
    int liveCalls() {
        return live.size();
    }

    /** Cancels every call in flight; calls started afterwards fail with {@code UNAVAILABLE}. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        for (GuardedCall<?, ?> c : List.copyOf(live)) {
            c.abort(Status.CANCELLED.withDescription("the channel to istiod is closing"));
        }
    }

    private final class Guarded extends Channel {
        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            MethodDescriptor<Q, R> limited = method.toBuilder(
                            method.getRequestMarshaller(),
                            new SizeLimitedMarshaller<>(method.getResponseMarshaller(), maxInbound))
                    .build();
            lock.lock();
            try {
                if (closed) {
                    return new GuardedCall<>(null, method.getType(), options, live::remove);
                }
                GuardedCall<Q, R> call =
                        new GuardedCall<>(transport.newCall(limited, options), method.getType(), options, live::remove);
                live.add(call);
                return call;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String authority() {
            return transport.authority();
        }
    }
}
