package io.ambient4j.istiod.kube;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.ambient4j.istiod.ambient.AmbientIndex;
import io.ambient4j.istiod.ambient.BindingStatus;
import io.ambient4j.istiod.ambient.KubeEvent;
import io.ambient4j.istiod.ambient.MeshSettings;
import io.ambient4j.istiod.ambient.StatusSink;
import io.ambient4j.istiod.xds.ResourceSource;
import io.ambient4j.istiod.xds.TypeUrls;
import io.ambient4j.istiod.xds.XdsResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Wires Kubernetes to the {@link AmbientIndex}: fabric8 informers whose handlers only enqueue, and ONE
 * writer (a virtual thread) that drains the queue in batches, applies them to the index and thereby emits
 * deltas to subscribers. All index state is owned by that thread.
 */
public final class AmbientController {
    private static final System.Logger LOG = System.getLogger(AmbientController.class.getName());
    private static final int MAX_BATCH = 20_000;

    private final AmbientIndex index;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final Map<String, String> informerErrors = new ConcurrentSkipListMap<>();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final CrdParser parser = new CrdParser();
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private Thread writer;
    private KubeStatusWriter statusWriter;
    private volatile boolean stopped;

    private sealed interface Item {}

    private record Event(KubeEvent event) implements Item {}

    private record Barrier(CountDownLatch done) implements Item {}

    private record Stop() implements Item {}

    /** Marks a custom resource that failed to parse; carries an empty object with its metadata. */
    private record Malformed(HasMetadata empty, String reason) implements HasMetadata {
        @Override
        public io.fabric8.kubernetes.api.model.ObjectMeta getMetadata() {
            return empty.getMetadata();
        }

        @Override
        public void setMetadata(io.fabric8.kubernetes.api.model.ObjectMeta metadata) {
            empty.setMetadata(metadata);
        }

        @Override
        public void setApiVersion(String version) {
            empty.setApiVersion(version);
        }
    }

    /** A controller whose index uses {@code mesh}; policy status goes to the cluster once started. */
    public AmbientController(MeshSettings mesh) {
        this.index = new AmbientIndex(mesh, new StatusSink() {
            @Override
            public void policyStatus(String ns, String name, io.ambient4j.istiod.ambient.PolicyStatus status) {
                KubeStatusWriter w = statusWriter;
                if (w != null) {
                    w.policyStatus(ns, name, status);
                }
            }

            @Override
            public void bindingStatus(BindingStatus.Target target, String ns, String name, BindingStatus status) {
                KubeStatusWriter w = statusWriter;
                if (w != null) {
                    w.bindingStatus(target, ns, name, status);
                }
            }
        });
    }

    /** The resource source the delta ADS server serves from. */
    public ResourceSource source() {
        return index;
    }

    /** Starts the writer, the status writer and every informer on {@code client}. Returns without waiting. */
    public void start(KubernetesClient client) {
        lifecycle.lock();
        try {
            if (writer != null) {
                throw new IllegalStateException("already started");
            }
            statusWriter = new KubeStatusWriter(client);
            statusWriter.start();
            writer = Thread.ofVirtual().name("ambient-index-writer").start(this::runWriter);
            add(client.namespaces().runnableInformer(0));
            add(client.nodes().runnableInformer(0));
            add(client.pods().inAnyNamespace().runnableInformer(0));
            add(client.services().inAnyNamespace().runnableInformer(0));
            add(client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
            for (KindRegistry.Crd crd : KindRegistry.CRDS) {
                SharedIndexInformer<GenericKubernetesResource> inf = client.genericKubernetesResources(crd.context())
                        .inAnyNamespace()
                        .runnableInformer(0);
                inf.addEventHandler(handler(g -> typed(g, crd.type())));
                informers.add(inf);
            }
            for (SharedIndexInformer<?> inf : informers) {
                inf.start();
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private <T extends HasMetadata> void add(SharedIndexInformer<T> inf) {
        inf.addEventHandler(handler(Function.identity()));
        informers.add(inf);
    }

    /** A handler that converts and enqueues; never blocks, never touches the index. */
    private <T extends HasMetadata> ResourceEventHandler<T> handler(Function<T, HasMetadata> convert) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue(convert, obj, false);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                enqueue(convert, newObj, false);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                enqueue(convert, obj, true);
            }
        };
    }

    private <T extends HasMetadata> void enqueue(Function<T, HasMetadata> convert, T obj, boolean deleted) {
        HasMetadata o = convert.apply(obj);
        KubeEvent event;
        if (o instanceof Malformed m) {
            event = deleted ? KubeEvent.delete(m.empty()) : KubeEvent.invalid(m.empty(), m.reason());
        } else {
            event = deleted ? KubeEvent.delete(o) : KubeEvent.upsert(o);
        }
        queue.add(new Event(event));
    }

    /**
     * The typed model of a generic custom resource. A malformed one is reported (log, debug dump) and
     * enqueued as invalid: the index withdraws its old output, never translates anything half-parsed, and
     * for an AuthorizationPolicy writes the reason as its status, in order with the policy's other updates.
     */
    private HasMetadata typed(GenericKubernetesResource g, Class<? extends HasMetadata> type) {
        try {
            HasMetadata parsed = parser.parse(g, type);
            informerErrors.remove(type.getSimpleName() + " " + g.getMetadata().getNamespace() + "/"
                    + g.getMetadata().getName());
            return parsed;
        } catch (MalformedResourceException e) {
            LOG.log(System.Logger.Level.WARNING, e.reason() + ": " + e.getMessage());
            informerErrors.put(e.resource(), e.getMessage());
            try {
                HasMetadata empty = type.getDeclaredConstructor().newInstance();
                empty.setMetadata(new ObjectMetaBuilder(g.getMetadata()).build());
                return new Malformed(empty, e.getMessage());
            } catch (InstantiationException
                    | IllegalAccessException
                    | InvocationTargetException
                    | NoSuchMethodException ex) {
                throw new IllegalStateException("model class without public no-arg constructor: " + type, ex);
            }
        }
    }

    private void runWriter() {
        List<Item> batch = new ArrayList<>();
        while (!stopped) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_BATCH);
            List<KubeEvent> events = new ArrayList<>(batch.size());
            List<CountDownLatch> barriers = new ArrayList<>();
            for (Item i : batch) {
                switch (i) {
                    case Event e -> events.add(e.event());
                    case Barrier b -> barriers.add(b.done());
                    case Stop s -> stopped = true;
                }
            }
            batch.clear();
            if (!events.isEmpty()) {
                try {
                    index.apply(events);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "index update failed; batch dropped", e);
                }
            }
            barriers.forEach(CountDownLatch::countDown);
        }
    }

    /**
     * Waits until every informer has listed once and the writer has applied everything enqueued so far.
     * An informer whose kind is not served (CRD not installed) is reported and does not block.
     *
     * @return true when synced within {@code timeout}
     */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SharedIndexInformer<?> inf : List.copyOf(informers)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                inf.start().toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                String what = String.valueOf(inf.getApiTypeClass().getSimpleName());
                informerErrors.put("informer/" + what, String.valueOf(e.getCause()));
                LOG.log(System.Logger.Level.WARNING, "informer " + what + " did not start: " + e.getCause());
            } catch (TimeoutException e) {
                return false;
            }
        }
        CountDownLatch done = new CountDownLatch(1);
        queue.add(new Barrier(done));
        return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Stops informers, the writer and the status writer. */
    public void stop() {
        lifecycle.lock();
        try {
            informers.forEach(SharedIndexInformer::stop);
            informers.clear();
            queue.add(new Stop());
            if (writer != null) {
                try {
                    writer.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (statusWriter != null) {
                statusWriter.stop();
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** The index as JSON for a debug endpoint: counts, errors, waypoints, statuses and all resources. */
    public String dumpJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"counts\":").append(serialization.asJson(index.counts()));
        Map<String, String> errs = new TreeMap<>(index.errors());
        errs.putAll(informerErrors);
        sb.append(",\"errors\":").append(serialization.asJson(errs));
        sb.append(",\"waypoints\":").append(serialization.asJson(new TreeMap<>(index.waypoints()).keySet()));
        Map<String, Object> statuses = new TreeMap<>();
        index.policyStatuses()
                .forEach((k, v) -> statuses.put(
                        k,
                        Map.of(
                                "type",
                                io.ambient4j.istiod.ambient.PolicyStatus.CONDITION_TYPE,
                                "status",
                                v.accepted() ? "True" : "False",
                                "reason",
                                v.reason(),
                                "message",
                                v.message())));
        sb.append(",\"policyStatus\":").append(serialization.asJson(statuses));
        Map<String, Object> bindings = new TreeMap<>();
        index.bindingStatuses()
                .forEach((k, v) -> bindings.put(
                        k,
                        Map.of(
                                "type",
                                BindingStatus.CONDITION_TYPE,
                                "status",
                                v.bound() ? "True" : "False",
                                "reason",
                                v.reason(),
                                "message",
                                v.message())));
        sb.append(",\"waypointBound\":").append(serialization.asJson(bindings));
        appendResources(sb, "addresses", index.snapshot(TypeUrls.ADDRESS));
        appendResources(sb, "authorizations", index.snapshot(TypeUrls.AUTHORIZATION));
        appendResources(sb, "l7Policies", index.snapshot(TypeUrls.L7_POLICY));
        appendResources(sb, "httpRoutes", index.snapshot(TypeUrls.HTTP_ROUTE));
        return sb.append('}').toString();
    }

    private static void appendResources(StringBuilder sb, String field, Map<String, XdsResource> resources) {
        JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
        sb.append(",\"").append(field).append("\":{");
        boolean first = true;
        for (var e : new TreeMap<>(resources).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            try {
                sb.append(JsonFormat.printer()
                                .omittingInsignificantWhitespace()
                                .print(com.google.protobuf.StringValue.of(e.getKey())))
                        .append(':')
                        .append(printer.print(e.getValue().body()));
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException("cannot print " + e.getKey(), ex);
            }
        }
        sb.append('}');
    }

    /** The index the controller feeds, e.g. for on-demand {@link AmbientIndex#lookup} by the xDS server. */
    public AmbientIndex index() {
        return Objects.requireNonNull(index);
    }
}
