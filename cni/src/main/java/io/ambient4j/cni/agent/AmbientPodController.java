package io.ambient4j.cni.agent;

import io.ambient4j.cni.plugin.CniAddEvent;
import io.ambient4j.cni.plugin.PluginEventServer;
import io.ambient4j.cni.rules.ProbeHealing;
import io.ambient4j.common.net.Netns;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Enrols and un-enrols the pods of this node as pods and namespaces change (C013, C014): informer
 * handlers only enqueue; one worker thread decides ({@link EnrolmentPolicy}, {@link MeshAction}) and acts
 * through {@link MeshDataplane}. Failed or partial work is retried after a delay, a bounded number of
 * times. The worker is a platform thread because ZDS exchanges block in native calls.
 */
public final class AmbientPodController implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AmbientPodController.class.getName());
    private static final int MAX_ATTEMPTS = 10;

    /** Finds and opens the network namespace of a running pod on this node. */
    @FunctionalInterface
    public interface NetnsResolver {
        Optional<Netns> open(PodView pod) throws IOException;
    }

    private record Work(String namespace, String name, Optional<PodView> deleted, int attempt, Optional<Job> job) {
        Work(String namespace, String name, Optional<PodView> deleted, int attempt) {
            this(namespace, name, deleted, attempt, Optional.empty());
        }
    }

    /** Work run on the worker thread for a caller that waits; the result slot is completed exactly once. */
    private record Job(Callable<?> action, CompletableFuture<Object> done) {}

    private final KubernetesClient client;
    private final String nodeName;
    private final EnrolmentPolicy policy;
    private final MeshDataplane dataplane;
    private final NetnsResolver resolver;
    private final Duration retryDelay;
    private final boolean reconcileRules;
    private final CniPodSource cniPods;
    private final Function<String, Path> netnsPath;
    private final BlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    /** Pods added or adopted in this run, with their IPs; only the worker writes it. */
    private final Map<String, List<String>> known = new ConcurrentHashMap<>();
    /** Work queued or running; lets start-up wait until the initial pod list has been handled. */
    private final AtomicInteger outstanding = new AtomicInteger();

    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private final ScheduledExecutorService retries =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
    private volatile Consumer<String> podEvents = type -> {};
    private HostProbeHealer healer;
    private Duration healInterval = Duration.ZERO;
    /** A host reconcile is queued and has not started yet; later requests fold into it. */
    private final AtomicBoolean healQueued = new AtomicBoolean();

    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Namespace> namespaces;
    private Thread worker;

    public AmbientPodController(
            KubernetesClient client,
            String nodeName,
            EnrolmentPolicy policy,
            MeshDataplane dataplane,
            NetnsResolver resolver,
            Duration retryDelay,
            boolean reconcileRules) {
        this(client, nodeName, policy, dataplane, resolver, retryDelay, reconcileRules, Path::of);
    }

    /**
     * {@code netnsPath} maps the netns path the runtime gave the plugin to where this process sees it
     * (a containerised agent sees the host's {@code /var/run/netns} and {@code /proc} under {@code /host}).
     */
    public AmbientPodController(
            KubernetesClient client,
            String nodeName,
            EnrolmentPolicy policy,
            MeshDataplane dataplane,
            NetnsResolver resolver,
            Duration retryDelay,
            boolean reconcileRules,
            Function<String, Path> netnsPath) {
        this.cniPods = new CniPodSource(client);
        this.netnsPath = netnsPath;
        this.reconcileRules = reconcileRules;
        this.client = client;
        this.nodeName = nodeName;
        this.policy = policy;
        this.dataplane = dataplane;
        this.resolver = resolver;
        this.retryDelay = retryDelay;
    }

    /** Counts pod watch events by type ({@code add}, {@code update}, {@code delete}); set before start(). */
    public void countPodEvents(Consumer<String> counter) {
        this.podEvents = counter;
    }

    /**
     * Keeps the node's probe set and SNAT chain healed (set before start()): every {@code interval} (when
     * positive) and after every pod add or removal, on the worker.
     */
    public void healHost(HostProbeHealer hostHealer, Duration interval) {
        this.healer = hostHealer;
        this.healInterval = interval;
    }

    /**
     * Runs a host reconcile on the worker now and waits for it: start-up (after the initial pod list) and
     * tests use it. Returns the actions that were needed.
     */
    public List<ProbeHealing.Action> reconcileHost(Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (healer == null) {
            return List.of();
        }
        return onWorker(() -> healer.reconcile(Map.copyOf(known)), timeout);
    }

    private void requestHostReconcile() {
        if (healer == null || !healQueued.compareAndSet(false, true)) {
            return;
        }
        submit(new Work(
                "",
                "",
                Optional.empty(),
                1,
                Optional.of(new Job(
                        () -> {
                            healQueued.set(false);
                            try {
                                return healer.reconcile(Map.copyOf(known));
                            } catch (IOException | RuntimeException e) {
                                LOG.log(
                                        Level.WARNING,
                                        "host probe reconcile failed (next one retries): {0}",
                                        e.getMessage());
                                return List.of();
                            }
                        },
                        new CompletableFuture<>()))));
    }

    /** Starts both informers and the worker. */
    public void start() {
        namespaces = client.namespaces().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                enqueueNamespace(ns.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace oldNs, Namespace ns) {
                if (!Objects.equals(
                        oldNs.getMetadata().getLabels(), ns.getMetadata().getLabels())) {
                    enqueueNamespace(ns.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Namespace ns, boolean unknownFinalState) {
                // Its pods are deleted with it; their delete events do the work.
            }
        });
        pods = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                podEvents.accept("add");
                enqueue(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                podEvents.accept("update");
                enqueue(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                podEvents.accept("delete");
                if (onThisNode(pod)) {
                    submit(new Work(
                            pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(),
                            Optional.of(PodViews.from(pod)),
                            1));
                }
            }
        });
        worker = Thread.ofPlatform().name("ambient-pods").daemon(true).start(this::work);
        if (healer != null && healInterval.isPositive()) {
            retries.scheduleWithFixedDelay(
                    this::requestHostReconcile,
                    healInterval.toMillis(),
                    healInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private boolean onThisNode(Pod pod) {
        return pod.getSpec() != null && nodeName.equals(pod.getSpec().getNodeName());
    }

    private void enqueue(Pod pod) {
        if (onThisNode(pod)) {
            submit(new Work(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), Optional.empty(), 1));
        }
    }

    private void submit(Work w) {
        outstanding.incrementAndGet();
        queue.add(w);
    }

    private void finished() {
        if (outstanding.decrementAndGet() == 0) {
            idleLock.lock();
            try {
                idle.signalAll();
            } finally {
                idleLock.unlock();
            }
        }
    }

    /**
     * Blocks until both informers have listed and every pod seen so far has been handled once (retries
     * aside). The agent calls this before letting ztunnel connect, so the first snapshot is complete.
     */
    public boolean awaitInitialSync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        idleLock.lock();
        try {
            while (!(pods.hasSynced() && namespaces.hasSynced() && outstanding.get() == 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // Informer sync has no callback here, so wake up now and then to re-check it.
                idle.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            idleLock.unlock();
        }
    }

    /** The IPs of every pod this agent has in the mesh; consistent when called from {@link #onWorker}. */
    public Set<InetAddress> meshedIps() {
        Set<InetAddress> ips = new HashSet<>();
        for (List<String> podIps : known.values()) {
            for (String ip : podIps) {
                ips.add(InetAddress.ofLiteral(ip));
            }
        }
        return Set.copyOf(ips);
    }

    private void enqueueNamespace(String namespace) {
        if (pods == null) {
            return;
        }
        for (Pod pod : pods.getStore().list()) {
            if (namespace.equals(pod.getMetadata().getNamespace())) {
                enqueue(pod);
            }
        }
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            Work w;
            try {
                w = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (w.job().isPresent()) {
                Job job = w.job().get();
                try {
                    job.done().complete(job.action().call());
                } catch (Exception e) {
                    job.done().completeExceptionally(e);
                } finally {
                    finished();
                }
                continue;
            }
            try {
                boolean done = process(w);
                if (!done) {
                    retry(w, "not complete");
                }
            } catch (IOException | RuntimeException e) {
                retry(w, e.getMessage());
            } finally {
                finished();
            }
        }
    }

    private void retry(Work w, String why) {
        if (w.attempt() >= MAX_ATTEMPTS) {
            LOG.log(
                    Level.ERROR,
                    "giving up on pod {0}/{1} after {2} attempts: {3}",
                    w.namespace(),
                    w.name(),
                    w.attempt(),
                    why);
            return;
        }
        LOG.log(Level.WARNING, "pod {0}/{1} will be retried: {2}", w.namespace(), w.name(), why);
        Work next = new Work(w.namespace(), w.name(), w.deleted(), w.attempt() + 1);
        retries.schedule(() -> submit(next), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Answers a plugin add event (the CNI ADD of a new sandbox) once the pod is captured, or at once when
     * the pod is not ambient. Runs on the worker like every other change, so the set of known pods keeps a
     * single writer and an informer event for the same pod is handled strictly before or after it.
     * Blocks until the worker has answered or {@code timeout} passed (then the plugin fails the ADD and
     * the runtime retries; the worker still finishes the work).
     */
    public PluginEventServer.Reply handleCniAdd(CniAddEvent event, Duration timeout) {
        try {
            return onWorker(() -> processCniAdd(event), timeout);
        } catch (TimeoutException e) {
            return new PluginEventServer.Reply(503, "pod not captured within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PluginEventServer.Reply(503, "interrupted");
        } catch (ExecutionException e) {
            return new PluginEventServer.Reply(500, "internal error: " + e.getCause());
        }
    }

    /**
     * Runs {@code action} on the worker, between two pieces of pod work, and waits for its result: how
     * anything outside the worker reads or changes what the worker owns (the set of meshed pods).
     */
    public <T> T onWorker(Callable<T> action, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<Object> done = new CompletableFuture<>();
        submit(new Work("", "", Optional.empty(), 1, Optional.of(new Job(action, done))));
        @SuppressWarnings("unchecked")
        T result = (T) done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return result;
    }

    private PluginEventServer.Reply processCniAdd(CniAddEvent event) {
        String who = event.podNamespace() + "/" + event.podName();
        Optional<Pod> pod = Optional.ofNullable(pods.getStore().getByKey(who))
                .or(() -> cniPods.pod(event.podNamespace(), event.podName()));
        if (pod.isEmpty()) {
            return new PluginEventServer.Reply(500, "pod " + who + " not found");
        }
        Map<String, String> nsLabels = Optional.ofNullable(namespaces.getStore().getByKey(event.podNamespace()))
                .or(() -> cniPods.namespace(event.podNamespace()))
                .map(ns -> ns.getMetadata().getLabels())
                .orElse(Map.of());
        PodView fromApi = PodViews.from(pod.get());
        // The pod's status has no IP yet during its sandbox's ADD: the plugin's prevResult is the truth.
        PodView view = event.ips().isEmpty() ? fromApi : fromApi.withIps(event.ips());
        EnrolmentPolicy.Decision decision = policy.decide(view, nsLabels == null ? Map.of() : nsLabels);
        if (!decision.ambient()) {
            return PluginEventServer.Reply.ok("not ambient: " + decision.reason());
        }
        if (known.containsKey(view.uid())) {
            return PluginEventServer.Reply.ok("already captured");
        }
        Netns netns;
        try {
            netns = Netns.open(netnsPath.apply(event.netns()));
        } catch (IOException | RuntimeException e) {
            return new PluginEventServer.Reply(500, "cannot open netns " + event.netns() + ": " + e.getMessage());
        }
        try {
            MeshDataplane.AddResult r = dataplane.addPodToMesh(view, netns, serviceAccount(pod.get()));
            if (r.event() == AnnotationMachine.Event.ADD_SUCCEEDED) {
                known.put(view.uid(), view.ips());
                requestHostReconcile();
                return PluginEventServer.Reply.ok("captured");
            }
            return new PluginEventServer.Reply(
                    500,
                    "pod " + who + " not captured: "
                            + r.error().orElse(r.event().toString()));
        } catch (IOException e) {
            return new PluginEventServer.Reply(500, "pod " + who + " not captured: " + e.getMessage());
        }
    }

    /** One decision and its action; false when the work must be retried. */
    private boolean process(Work w) throws IOException {
        if (w.deleted().isPresent()) {
            PodView gone = w.deleted().get();
            if (RedirectionState.of(gone) != RedirectionState.NONE) {
                dataplane.removePodFromMesh(gone, Optional.empty(), true);
            }
            if (known.remove(gone.uid()) != null) {
                requestHostReconcile();
            }
            return true;
        }
        Pod pod = pods.getStore().getByKey(w.namespace() + "/" + w.name());
        if (pod == null) {
            return true;
        }
        PodView view = PodViews.from(pod);
        Namespace ns = namespaces.getStore().getByKey(w.namespace());
        Map<String, String> nsLabels = ns == null || ns.getMetadata().getLabels() == null
                ? Map.of()
                : ns.getMetadata().getLabels();
        EnrolmentPolicy.Decision decision = policy.decide(view, nsLabels);
        MeshAction action = MeshAction.plan(decision, view, known.containsKey(view.uid()));
        if (action == MeshAction.ADD && known.containsKey(view.uid())) {
            // Captured by a plugin add event moments ago; this informer copy predates its annotation.
            action = MeshAction.NOTHING;
        }
        LOG.log(Level.DEBUG, "pod {0}/{1}: {2} -> {3}", w.namespace(), w.name(), decision, action);
        switch (action) {
            case ADD -> {
                Optional<Netns> netns = resolver.open(view);
                if (netns.isEmpty()) {
                    return false;
                }
                boolean added = dataplane
                                .addPodToMesh(view, netns.get(), serviceAccount(pod))
                                .event()
                        == AnnotationMachine.Event.ADD_SUCCEEDED;
                if (added) {
                    known.put(view.uid(), view.ips());
                    requestHostReconcile();
                }
                return added;
            }
            case ADOPT -> {
                dataplane.adoptEnrolledPod(view, resolver.open(view), serviceAccount(pod), reconcileRules);
                known.put(view.uid(), view.ips());
                requestHostReconcile();
                return true;
            }
            case REMOVE -> {
                dataplane.removePodFromMesh(view, resolver.open(view), false);
                known.remove(view.uid());
                requestHostReconcile();
                return true;
            }
            case WAIT_FOR_IP, NOTHING -> {
                return true;
            }
        }
        return true;
    }

    private static String serviceAccount(Pod pod) {
        String sa = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
        return sa == null || sa.isEmpty() ? "default" : sa;
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.interrupt();
        }
        retries.shutdownNow();
        if (pods != null) {
            pods.close();
        }
        if (namespaces != null) {
            namespaces.close();
        }
    }
}
