package io.ambient4j.ztunnel.xds;

import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Node;
import io.ambient4j.api.discovery.Status;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * ztunnel's delta ADS client (ambient-spec §3.1): one bidirectional stream subscribing to Address and Authorization
 * as wildcards, each response applied through the {@link StateUpdater} and then ACKed, or NACKed naming the bad
 * resources while the rest applies. On any stream end it reconnects with exponential backoff (10 ms → 15 s),
 * sending the versions it holds as {@code initial_resource_versions}; the last good state stays in force meanwhile.
 *
 * <p>With {@code XDS_ON_DEMAND}, Address starts subscribed to nothing ({@code *} subscribed and unsubscribed in one
 * request) and {@link #fetchOnDemand} subscribes single names ({@code <network>/<ip>} or a uid) as the proxy needs
 * them.
 *
 * <p>One virtual thread owns the stream: gRPC callbacks and on-demand callers only enqueue, and that thread does all
 * decoding, state updates and sends, so nothing needs locking except the readiness signal.
 */
public final class XdsClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(XdsClient.class.getName());
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    private static final List<String> ZTUNNEL_TYPES = List.of(TypeUrls.ADDRESS, TypeUrls.AUTHORIZATION);

    private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub;
    private final Node node;
    private final List<String> types;
    private final ResponseApplier applier;
    private final boolean onDemand;
    /** On-demand names awaiting a response, each with the latch its callers wait on. */
    private final Map<String, java.util.concurrent.CountDownLatch> pending =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The running stream's event queue, so on-demand callers can hand names to the stream thread. */
    private volatile BlockingQueue<Event> currentEvents;
    /** Written only by the stream thread; read for reconnects and tests via {@link #knownVersions}. */
    private final Map<String, Map<String, String>> versions = new java.util.concurrent.ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<String> awaitingFirst;
    private boolean synced;
    private boolean closed;
    private int connections;
    private ClientCallStreamObserver<DeltaDiscoveryRequest> current;
    private Thread thread;
    private IstiodChannel ownedChannel;
    /** Why the last stream ended or could not open (null while none failed); for tests and diagnosis. */
    private volatile String lastError;

    /**
     * The production wiring: a TLS channel to {@code XDS_ADDRESS}, the node from the config, and on-demand mode from
     * {@code XDS_ON_DEMAND}. The client owns the channel and shuts it down on {@link #close()}.
     */
    public static XdsClient create(io.ambient4j.ztunnel.config.Config cfg, StateUpdater updater) {
        IstiodChannel channel = XdsChannels.create(cfg);
        XdsClient c = new XdsClient(channel.channel(), XdsNode.build(cfg), updater, cfg.xdsOnDemand());
        c.ownedChannel = channel;
        return c;
    }

    public XdsClient(Channel channel, Node node, StateUpdater updater) {
        this(channel, node, updater, false);
    }

    /** With {@code onDemand}, Address resources are only fetched by name through {@link #fetchOnDemand}. */
    public XdsClient(Channel channel, Node node, StateUpdater updater, boolean onDemand) {
        this(channel, node, ZTUNNEL_TYPES, new ResourceApplier(updater), onDemand);
    }

    /**
     * A client for other components (the waypoint): wildcard subscriptions to {@code types}, in that order, each
     * response handed to {@code applier}; synced once every type answered once.
     */
    public XdsClient(Channel channel, Node node, List<String> types, ResponseApplier applier) {
        this(channel, node, types, applier, false);
    }

    private XdsClient(Channel channel, Node node, List<String> types, ResponseApplier applier, boolean onDemand) {
        this.onDemand = onDemand;
        this.stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
        this.node = node;
        this.types = List.copyOf(types);
        this.awaitingFirst = new HashSet<>(this.types);
        this.applier = applier;
        this.types.forEach(t -> versions.put(t, new java.util.concurrent.ConcurrentHashMap<>()));
    }

    /** Takes ownership of {@code channel}: {@link #close()} closes it. */
    public XdsClient owning(IstiodChannel channel) {
        this.ownedChannel = channel;
        return this;
    }

    /** Starts the stream on a virtual thread. */
    public void start() {
        thread = Thread.ofVirtual().name("xds-client").start(this::run);
    }

    /** True once a first response of both types has been applied (readiness). Stays true across reconnects. */
    public boolean isSynced() {
        lock.lock();
        try {
            return synced;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@link #isSynced()} or the timeout; returns whether synced. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!synced) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Subscribes one Address name on demand and waits until istiod answered it (sent it, removed it as unknown, or it
     * was rejected), or the timeout passes. Returns whether an answer arrived; callers then look in the state again.
     * Without on-demand mode everything is already subscribed and this returns false at once.
     */
    public boolean fetchOnDemand(String name, Duration timeout) throws InterruptedException {
        if (!onDemand) {
            return false;
        }
        boolean[] created = {false};
        java.util.concurrent.CountDownLatch done = pending.computeIfAbsent(name, n -> {
            created[0] = true;
            return new java.util.concurrent.CountDownLatch(1);
        });
        BlockingQueue<Event> q = currentEvents;
        if (created[0] && q != null) {
            q.add(new Event.Demand(name));
        }
        // When disconnected, the next stream re-subscribes every pending name.
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Streams opened so far (1 after the first connect). */
    public int connections() {
        lock.lock();
        try {
            return connections;
        } finally {
            lock.unlock();
        }
    }

    /** Why the last stream ended or failed to open, e.g. istiod's certificate not verifying; null if none did. */
    String lastError() {
        return lastError;
    }

    /** The versions held per type: what the next reconnect sends as {@code initial_resource_versions}. */
    public Map<String, Map<String, String>> knownVersions() {
        Map<String, Map<String, String>> out = new HashMap<>();
        versions.forEach((t, m) -> out.put(t, Map.copyOf(m)));
        return out;
    }

    private void run() {
        Duration backoff = INITIAL_BACKOFF;
        while (!isClosed()) {
            boolean gotResponse = false;
            try {
                gotResponse = stream();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                lastError = e.toString();
                LOG.log(Level.WARNING, "xDS stream failed", e);
            }
            if (gotResponse) {
                backoff = INITIAL_BACKOFF;
            }
            if (!sleep(backoff)) {
                return;
            }
            backoff = nextBackoff(backoff);
        }
    }

    /** Doubles the delay up to {@link #MAX_BACKOFF}. */
    static Duration nextBackoff(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private sealed interface Event {
        record Response(DeltaDiscoveryResponse response) implements Event {}

        record Ended(Throwable error) implements Event {}

        record Demand(String name) implements Event {}
    }

    /** One stream, until it ends. Returns whether any response arrived (which resets the backoff). */
    private boolean stream() throws InterruptedException {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        StreamObserver<DeltaDiscoveryResponse> responses = new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryResponse r) {
                events.add(new Event.Response(r));
            }

            @Override
            public void onError(Throwable t) {
                events.add(new Event.Ended(t));
            }

            @Override
            public void onCompleted() {
                events.add(new Event.Ended(null));
            }
        };
        ClientCallStreamObserver<DeltaDiscoveryRequest> requests =
                (ClientCallStreamObserver<DeltaDiscoveryRequest>) stub.deltaAggregatedResources(responses);
        lock.lock();
        try {
            if (closed) {
                requests.cancel("closed", null);
                return false;
            }
            current = requests;
            connections++;
        } finally {
            lock.unlock();
        }
        for (String type : types) {
            // Wildcard: an empty subscribe list. On reconnect, every name → version we hold.
            DeltaDiscoveryRequest.Builder init = DeltaDiscoveryRequest.newBuilder()
                    .setNode(node)
                    .setTypeUrl(type)
                    .putAllInitialResourceVersions(versions.get(type));
            if (onDemand && type.equals(TypeUrls.ADDRESS)) {
                // xDS cannot subscribe to nothing; subscribing and unsubscribing "*" at once does it.
                init.addResourceNamesSubscribe("*").addResourceNamesUnsubscribe("*");
            }
            requests.onNext(init.build());
        }
        currentEvents = events;
        if (!pending.isEmpty()) {
            requests.onNext(DeltaDiscoveryRequest.newBuilder()
                    .setTypeUrl(TypeUrls.ADDRESS)
                    .addAllResourceNamesSubscribe(List.copyOf(pending.keySet()))
                    .build());
        }
        boolean any = false;
        while (true) {
            Event ev = events.take();
            switch (ev) {
                case Event.Ended(Throwable t) -> {
                    lastError = t == null ? "completed by server" : t.toString();
                    LOG.log(Level.INFO, "xDS stream ended: {0}", t == null ? "completed by server" : t.toString());
                    return any;
                }
                case Event.Response(DeltaDiscoveryResponse r) -> {
                    any = true;
                    requests.onNext(handle(r));
                }
                case Event.Demand(String name) ->
                    requests.onNext(DeltaDiscoveryRequest.newBuilder()
                            .setTypeUrl(TypeUrls.ADDRESS)
                            .addResourceNamesSubscribe(name)
                            .build());
            }
        }
    }

    /** Applies one response and builds its ACK or NACK. */
    DeltaDiscoveryRequest handle(DeltaDiscoveryResponse r) {
        AppliedResponse result = applier.apply(r);
        Map<String, String> held =
                versions.computeIfAbsent(r.getTypeUrl(), t -> new java.util.concurrent.ConcurrentHashMap<>());
        result.removed().forEach(held::remove);
        held.putAll(result.accepted());
        markApplied(r.getTypeUrl());
        if (!pending.isEmpty()) {
            // Answered by name or by alias (istiod may answer "<network>/<ip>" with the workload's uid).
            java.util.stream.Stream.of(
                            r.getResourcesList().stream().map(io.ambient4j.api.discovery.Resource::getName),
                            r.getResourcesList().stream().flatMap(x -> x.getAliasesList().stream()),
                            result.removed().stream())
                    .flatMap(x -> x)
                    .map(pending::remove)
                    .filter(java.util.Objects::nonNull)
                    .forEach(java.util.concurrent.CountDownLatch::countDown);
        }
        DeltaDiscoveryRequest.Builder ack =
                DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce());
        if (!result.rejected().isEmpty()) {
            String detail = result.rejected().stream().map(Object::toString).collect(Collectors.joining("; "));
            LOG.log(Level.ERROR, "NACK {0} nonce {1}: {2}", r.getTypeUrl(), r.getNonce(), detail);
            // gRPC INVALID_ARGUMENT (3): the resources named in the message were rejected.
            ack.setErrorDetail(Status.newBuilder().setCode(3).setMessage(detail));
        }
        return ack.build();
    }

    private void markApplied(String type) {
        lock.lock();
        try {
            if (awaitingFirst.remove(type) && awaitingFirst.isEmpty()) {
                synced = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Waits out the backoff unless closed first; returns false when closed. */
    private boolean sleep(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        lock.lock();
        try {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                changed.awaitNanos(left);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops reconnecting, cancels the stream and waits for the stream thread to end. */
    @Override
    public void close() throws InterruptedException {
        ClientCallStreamObserver<DeltaDiscoveryRequest> c;
        lock.lock();
        try {
            closed = true;
            c = current;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (c != null) {
            c.cancel("ztunnel shutting down", null);
        }
        if (thread != null && !thread.join(Duration.ofSeconds(5))) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        if (ownedChannel != null) {
            ownedChannel.close();
        }
    }
}
