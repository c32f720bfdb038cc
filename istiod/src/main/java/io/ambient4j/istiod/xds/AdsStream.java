package io.ambient4j.istiod.xds;

import com.google.protobuf.Value;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Node;
import io.ambient4j.istiod.auth.Caller;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One delta ADS stream. gRPC's reader thread and the resource listener only put work in this stream's inbox
 * (requests in order; resource changes coalesced per name, latest wins, so memory stays bounded by the number
 * of resources); one virtual thread per stream takes the inbox, runs {@link DeltaStreamState} and writes the
 * responses. The state has exactly one writer, and a slow client slows only itself.
 */
final class AdsStream implements StreamObserver<DeltaDiscoveryRequest> {
    private static final System.Logger LOG = System.getLogger(AdsStream.class.getName());
    private static final AtomicLong IDS = new AtomicLong();
    private static final String WAYPOINT_NODE_TYPE = "waypoint";
    private static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

    private final XdsHub hub;
    private final StreamObserver<DeltaDiscoveryResponse> out;
    private final Optional<Caller> caller;
    private final String peer;
    private final long id = IDS.incrementAndGet();
    private final AtomicLong nonceCounter = new AtomicLong();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<DeltaRequest> requests = new ArrayDeque<>();
    private final Map<String, Map<String, Optional<XdsResource>>> changes = new HashMap<>();
    private Status failure;
    private boolean closed;
    private boolean completed;

    // Written by the gRPC reader before the first request is queued, then only read.
    private volatile NodeId node;
    private volatile String proxyVersion = "unknown";
    private volatile Map<String, Integer> held = Map.of();
    /** For a waypoint node: the Gateway label it announced in its metadata LABELS, if any. */
    private volatile String announcedGateway;
    /** For a waypoint node: its Gateway ({@code ns/name}) once known; only the writer thread sets it. */
    private String waypointKey;

    private boolean warnedUnknownWaypoint;

    AdsStream(XdsHub hub, StreamObserver<DeltaDiscoveryResponse> out, Optional<Caller> caller, String peer) {
        this.hub = hub;
        this.out = out;
        this.caller = caller;
        this.peer = peer;
    }

    void start() {
        Thread.ofVirtual().name("xds-stream-" + id).start(this::writeLoop);
    }

    String describe() {
        NodeId n = node;
        return (n == null ? "?" : n.type() + "~" + String.join(",", n.ipAddresses()) + "~" + n.id()) + " #" + id;
    }

    Map<String, Integer> heldCounts() {
        return held;
    }

    // ---- inbox (called by gRPC and by the hub; never blocks on I/O) ----

    @Override
    public void onNext(DeltaDiscoveryRequest proto) {
        if (node == null) {
            try {
                NodeId parsed = NodeId.parse(proto.hasNode() ? proto.getNode().getId() : "");
                checkIdentity(parsed, proto.getNode());
                proxyVersion = metadataString(proto.getNode(), "ISTIO_VERSION").orElse("unknown");
                announcedGateway =
                        metadataLabel(proto.getNode(), GATEWAY_NAME_LABEL).orElse(null);
                node = parsed;
            } catch (XdsRequestException e) {
                LOG.log(System.Logger.Level.WARNING, "xDS stream from " + peer + " refused: " + e.getMessage());
                fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
                return;
            } catch (StatusRuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "xDS stream from " + peer + " refused: " + e.getMessage());
                fail(e.getStatus());
                return;
            }
            hub.register(this);
            hub.metrics().connected.add(1, proxyVersion);
            LOG.log(System.Logger.Level.INFO, "ADS: new delta connection for node " + describe() + " from " + peer);
        }
        DeltaRequest request = WireFormat.toRequest(proto);
        lock.lock();
        try {
            if (!closed) {
                requests.add(request);
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onError(Throwable t) {
        Status s = Status.fromThrowable(t);
        if (s.getCode() != Status.Code.CANCELLED && s.getCode() != Status.Code.UNAVAILABLE) {
            hub.metrics().internalErrors.inc();
            LOG.log(System.Logger.Level.WARNING, "ADS: " + describe() + " terminated with error: " + s);
        }
        close(false);
    }

    @Override
    public void onCompleted() {
        close(true);
    }

    /** Called on the resource store's writer thread: coalesce and signal, nothing more. */
    void offer(ResourceDelta delta) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Map<String, Optional<XdsResource>> pending =
                    changes.computeIfAbsent(delta.typeUrl(), t -> new LinkedHashMap<>());
            for (XdsResource r : delta.upserted()) {
                pending.put(r.name(), Optional.of(r));
            }
            for (String name : delta.removed()) {
                pending.put(name, Optional.empty());
            }
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void fail(Status status) {
        lock.lock();
        try {
            if (!closed) {
                failure = status;
                closed = true;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void close(boolean clientCompleted) {
        lock.lock();
        try {
            closed = true;
            completed = clientCompleted;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    // ---- writer (the stream's own virtual thread) ----

    private record Batch(
            ArrayDeque<DeltaRequest> requests,
            Map<String, Map<String, Optional<XdsResource>>> changes,
            boolean closed,
            boolean completed,
            Status failure) {}

    private Batch take() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && requests.isEmpty() && changes.isEmpty()) {
                if (!work.await(5, TimeUnit.SECONDS) && isCancelled()) {
                    closed = true;
                }
            }
            Batch b = new Batch(new ArrayDeque<>(requests), new HashMap<>(changes), closed, completed, failure);
            requests.clear();
            changes.clear();
            return b;
        } finally {
            lock.unlock();
        }
    }

    private boolean isCancelled() {
        return out instanceof ServerCallStreamObserver<?> s && s.isCancelled();
    }

    private void writeLoop() {
        DeltaStreamState state =
                new DeltaStreamState(() -> id + "-" + nonceCounter.incrementAndGet(), hub::systemVersion, hub::resolve);
        try {
            while (true) {
                Batch b = take();
                if (b.closed()) {
                    if (b.failure() != null) {
                        out.onError(b.failure().asRuntimeException());
                    } else if (b.completed()) {
                        out.onCompleted();
                    }
                    return;
                }
                boolean knewWaypoint = waypointKey != null;
                for (DeltaRequest r : b.requests()) {
                    handle(state, r);
                }
                if (!knewWaypoint && waypointKey() != null) {
                    catchUp(state);
                }
                for (var e : b.changes().entrySet()) {
                    state.onChanges(e.getKey(), visibleChanges(e.getKey(), e.getValue()))
                            .ifPresent(this::send);
                }
                Map<String, Integer> counts = new java.util.TreeMap<>();
                for (String t : state.subscribedTypes()) {
                    counts.put(t, state.clientVersions(t).size());
                }
                held = Map.copyOf(counts);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StatusRuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "ADS: send to " + describe() + " failed: " + e.getStatus());
        } catch (RuntimeException e) {
            hub.metrics().internalErrors.inc();
            LOG.log(System.Logger.Level.ERROR, "ADS: stream " + describe() + " failed", e);
            try {
                out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            } catch (RuntimeException ignored) {
                // the stream is already gone
            }
        } finally {
            lock.lock();
            try {
                closed = true;
            } finally {
                lock.unlock();
            }
            if (node != null) {
                hub.unregister(this);
                hub.metrics().connected.add(-1, proxyVersion);
                LOG.log(System.Logger.Level.INFO, "ADS: " + describe() + " closed");
            }
        }
    }

    private void handle(DeltaStreamState state, DeltaRequest r) {
        if (!XdsHub.SERVED_TYPES.contains(r.typeUrl())
                || (XdsHub.WAYPOINT_TYPES.contains(r.typeUrl()) && !isWaypoint())) {
            LOG.log(System.Logger.Level.DEBUG, "ADS: " + describe() + " asked for unserved type " + r.typeUrl());
            return;
        }
        DeltaStreamState.Step step = state.onRequest(r, this::visibleSnapshot);
        String type = XdsMetrics.metricType(r.typeUrl());
        switch (step.outcome()) {
            case NACK -> {
                hub.metrics().rejects.inc(type);
                LOG.log(
                        System.Logger.Level.WARNING,
                        "ADS: " + type + " NACK from " + describe() + " nonce " + r.responseNonce() + ": "
                                + r.errorDetail().orElse(""));
            }
            case STALE_NONCE -> hub.metrics().expiredNonce.inc(type);
            default -> {}
        }
        step.response().ifPresent(this::send);
    }

    private void send(DeltaResponse response) {
        out.onNext(WireFormat.toProto(response));
        hub.metrics().pushes.inc(XdsMetrics.metricType(response.typeUrl()));
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "ADS: PUSH " + XdsMetrics.metricType(response.typeUrl()) + " to " + describe() + " resources:"
                        + response.resources().size() + " removed:"
                        + response.removed().size() + " nonce:"
                        + response.nonce());
    }

    private boolean isWaypoint() {
        NodeId n = node;
        return n != null && WAYPOINT_NODE_TYPE.equals(n.type());
    }

    /**
     * The waypoint this stream is, from the pod the index knows (its {@code gateway-name} label), else from the
     * labels the proxy announced. Resolved on use, so a pod the index learns about after the connect still counts.
     */
    private String waypointKey() {
        if (waypointKey == null && isWaypoint()) {
            NodeId n = node;
            String ns = n.namespace();
            waypointKey = hub.waypointOfPod(ns, n.podName())
                    .orElseGet(() -> announcedGateway == null ? null : ns + "/" + announcedGateway);
            if (waypointKey == null && !warnedUnknownWaypoint) {
                warnedUnknownWaypoint = true;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "ADS: waypoint " + describe() + " is no known waypoint pod yet; it gets no L7 resources");
            }
        }
        return waypointKey;
    }

    /**
     * The waypoint subscribed before istiod knew its pod (it saw no L7 resource then): now that it is known, send
     * what concerns it, as a change of every current resource.
     */
    private void catchUp(DeltaStreamState state) {
        for (String type : XdsHub.WAYPOINT_TYPES) {
            if (!state.subscribedTypes().contains(type)) {
                continue;
            }
            Map<String, Optional<XdsResource>> all = new LinkedHashMap<>();
            visibleSnapshot(type).forEach((name, r) -> all.put(name, Optional.of(r)));
            state.onChanges(type, all).ifPresent(this::send);
        }
    }

    private Map<String, XdsResource> visibleSnapshot(String typeUrl) {
        Map<String, XdsResource> all = hub.snapshot(typeUrl);
        if (!XdsHub.WAYPOINT_TYPES.contains(typeUrl)) {
            return all;
        }
        String key = waypointKey();
        Map<String, XdsResource> out = new HashMap<>();
        for (var e : all.entrySet()) {
            if (e.getValue().visibleTo(key)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** A change to a resource this waypoint may not see is, for this stream, its removal. */
    private Map<String, Optional<XdsResource>> visibleChanges(
            String typeUrl, Map<String, Optional<XdsResource>> changes) {
        if (!XdsHub.WAYPOINT_TYPES.contains(typeUrl)) {
            return changes;
        }
        String key = waypointKey();
        Map<String, Optional<XdsResource>> out = new LinkedHashMap<>();
        changes.forEach((name, r) -> out.put(name, r.filter(x -> x.visibleTo(key))));
        return out;
    }

    /** Upstream refuses a node whose namespace differs from the authenticated caller's (PERMISSION_DENIED). */
    private void checkIdentity(NodeId parsed, Node protoNode) {
        if (caller.isEmpty()) {
            return;
        }
        String configNamespace = metadataString(protoNode, "NAMESPACE").orElse(parsed.namespace());
        if (!configNamespace.isEmpty() && !configNamespace.equals(caller.get().namespace())) {
            throw Status.PERMISSION_DENIED
                    .withDescription("authorization failed: caller namespace "
                            + caller.get().namespace() + " does not match proxy namespace " + configNamespace)
                    .asRuntimeException();
        }
    }

    private static Optional<String> metadataLabel(Node n, String label) {
        Value labels = n.getMetadata().getFieldsMap().get("LABELS");
        if (labels == null || !labels.hasStructValue()) {
            return Optional.empty();
        }
        Value v = labels.getStructValue().getFieldsMap().get(label);
        return v == null || v.getStringValue().isEmpty() ? Optional.empty() : Optional.of(v.getStringValue());
    }

    private static Optional<String> metadataString(Node n, String key) {
        Value v = n.getMetadata().getFieldsMap().get(key);
        return v == null || v.getStringValue().isEmpty() ? Optional.empty() : Optional.of(v.getStringValue());
    }
}
