package io.ambient4j.bench;

import io.ambient4j.istiod.ambient.AmbientIndex;
import io.ambient4j.istiod.ambient.KubeEvent;
import io.ambient4j.istiod.ambient.MeshSettings;
import io.ambient4j.istiod.ambient.StatusSink;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicySpec;
import io.ambient4j.istiod.kube.crd.WorkloadSelector;
import io.ambient4j.istiod.xds.ResourceDelta;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds the ambient index for 10,000 pods, 1,000 services and 500 policies by feeding its event API
 * directly (no API server), then measures per-pod-event latency (event applied → delta emitted) and the
 * heap retained after GC. Prints a table; targets: build ≤ 2 s, per event ≤ 1 ms, heap ≤ 512 MB.
 */
public final class IstiodIndexBench {
    static final int NAMESPACES = 100;
    static final int NODES = 50;
    static final int PODS = 10_000;
    static final int SERVICES = 1_000;
    static final int POLICIES = 500;
    static final int EVENTS = 1_000;

    private IstiodIndexBench() {}

    static List<KubeEvent> cluster() {
        List<KubeEvent> events = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            events.add(KubeEvent.upsert(new NodeBuilder()
                    .withNewMetadata()
                    .withName("node-" + n)
                    .withLabels(Map.of(
                            "topology.kubernetes.io/region", "r" + (n % 3),
                            "topology.kubernetes.io/zone", "z" + (n % 9)))
                    .endMetadata()
                    .build()));
        }
        for (int i = 0; i < NAMESPACES; i++) {
            events.add(KubeEvent.upsert(new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(ns(i))
                    .withLabels(Map.of("istio.io/dataplane-mode", "ambient"))
                    .endMetadata()
                    .build()));
        }
        int servicesPerNs = SERVICES / NAMESPACES;
        for (int s = 0; s < SERVICES; s++) {
            String ns = ns(s % NAMESPACES);
            int local = s / NAMESPACES;
            events.add(KubeEvent.upsert(new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace(ns)
                    .withName("svc-" + local)
                    .endMetadata()
                    .withNewSpec()
                    .withClusterIP("10.96." + (s / 250) + "." + (s % 250 + 1))
                    .withSelector(Map.of("app", "svc-" + local))
                    .addNewPort()
                    .withName("http")
                    .withPort(80)
                    .withTargetPort(new IntOrString("http"))
                    .endPort()
                    .addNewPort()
                    .withName("grpc")
                    .withPort(9090)
                    .withTargetPort(new IntOrString(9090))
                    .endPort()
                    .endSpec()
                    .build()));
        }
        for (int p = 0; p < PODS; p++) {
            events.add(KubeEvent.upsert(pod(p, "v1")));
        }
        int policiesPerNs = POLICIES / NAMESPACES;
        for (int i = 0; i < POLICIES; i++) {
            String ns = ns(i % NAMESPACES);
            int local = (i / NAMESPACES) % servicesPerNs;
            AuthorizationPolicySpec spec = new AuthorizationPolicySpec();
            spec.selector = new WorkloadSelector(Map.of("app", "svc-" + local));
            AuthorizationPolicySpec.Rule r = new AuthorizationPolicySpec.Rule();
            AuthorizationPolicySpec.From f = new AuthorizationPolicySpec.From();
            f.source = new AuthorizationPolicySpec.Source();
            f.source.principals = List.of("cluster.local/ns/" + ns + "/sa/client-" + (i / NAMESPACES));
            AuthorizationPolicySpec.To t = new AuthorizationPolicySpec.To();
            t.operation = new AuthorizationPolicySpec.Operation();
            t.operation.ports = List.of("8080");
            r.from = List.of(f);
            r.to = List.of(t);
            spec.rules = List.of(r);
            AuthorizationPolicy ap = new AuthorizationPolicy();
            ap.setMetadata(new ObjectMetaBuilder()
                    .withNamespace(ns)
                    .withName("policy-" + (i / NAMESPACES))
                    .withGeneration(1L)
                    .build());
            ap.setSpec(spec);
            events.add(KubeEvent.upsert(ap));
        }
        if (policiesPerNs <= 0) {
            throw new IllegalStateException("too few policies");
        }
        return events;
    }

    static String ns(int i) {
        return "ns-" + i;
    }

    /** Pod {@code p}: 100 per namespace, 10 per service, spread over the nodes. */
    static Pod pod(int p, String version) {
        String ns = ns(p % NAMESPACES);
        int local = p / NAMESPACES;
        int service = local % (SERVICES / NAMESPACES);
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName("pod-" + local)
                .withLabels(Map.of("app", "svc-" + service, "version", version))
                .withAnnotations(Map.of("ambient.istio.io/redirection", "enabled"))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName("sa-" + service)
                .withNodeName("node-" + (p % NODES))
                .addNewContainer()
                .withName("app")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10." + (1 + p / 65536) + "." + ((p / 256) % 256) + "." + (p % 256))
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build();
    }

    record Result(
            double buildMs,
            double buildCpuMs,
            int addresses,
            int authorizations,
            double p50Us,
            double p99Us,
            double maxUs,
            double cpuP50Us,
            double cpuP99Us,
            long heapMb) {}

    static Result run(boolean measureHeap) {
        List<KubeEvent> events = cluster();
        AmbientIndex index = new AmbientIndex(MeshSettings.defaults(), StatusSink.NONE);
        long[] lastDelta = new long[1];
        index.subscribe(d -> lastDelta[0] = System.nanoTime());
        // the fabric8 objects are built by the harness; collect that garbage so it is not billed to the index
        System.gc();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        List<ResourceDelta> initial = index.apply(events);
        double buildMs = (System.nanoTime() - t0) / 1e6;
        double buildCpuMs = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        if (initial.isEmpty()) {
            throw new IllegalStateException("no resources built");
        }
        // the pod objects are built up front so the harness's own allocation does not trigger GC inside the loop
        List<KubeEvent> updates = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            updates.add(KubeEvent.upsert(pod((i * 7919) % PODS, "v" + (2 + i))));
        }
        System.gc();
        long[] latencies = new long[EVENTS];
        long[] cpu = new long[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            KubeEvent e = updates.get(i);
            lastDelta[0] = 0;
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            List<ResourceDelta> deltas = index.apply(List.of(e));
            cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
            if (deltas.isEmpty() || lastDelta[0] == 0) {
                throw new IllegalStateException("pod event " + i + " produced no delta");
            }
            latencies[i] = lastDelta[0] - start;
        }
        Arrays.sort(latencies);
        Arrays.sort(cpu);
        long heapMb = 0;
        if (measureHeap) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        }
        int addresses = index.snapshot(TypeUrls.ADDRESS).size();
        int authorizations = index.snapshot(TypeUrls.AUTHORIZATION).size();
        Result r = new Result(
                buildMs,
                buildCpuMs,
                addresses,
                authorizations,
                latencies[EVENTS / 2] / 1e3,
                latencies[(int) (EVENTS * 0.99)] / 1e3,
                latencies[EVENTS - 1] / 1e3,
                cpu[EVENTS / 2] / 1e3,
                cpu[(int) (EVENTS * 0.99)] / 1e3,
                heapMb);
        // keep the index reachable until the heap was measured
        if (index.snapshot(TypeUrls.ADDRESS).isEmpty()) {
            throw new IllegalStateException("empty index");
        }
        return r;
    }

    public static void main(String[] args) {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Result cold = run(false);
        for (int i = 1; i < warmups; i++) {
            run(false);
        }
        Result warm = run(true);
        System.out.printf(
                "ambient index: %,d pods, %,d services, %,d policies, %d namespaces, %d nodes (%d cores, max heap %d MB)%n",
                PODS,
                SERVICES,
                POLICIES,
                NAMESPACES,
                NODES,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.printf("resources: %,d Address, %,d Authorization%n", warm.addresses(), warm.authorizations());
        System.out.println("| metric                          | measured  | target   |");
        System.out.println("|---------------------------------|-----------|----------|");
        System.out.printf("| full build, first run (cold JIT)| %7.0f ms | ≤ 2000 ms|%n", cold.buildMs());
        System.out.printf("| full build, after warm-up       | %7.0f ms | ≤ 2000 ms|%n", warm.buildMs());
        System.out.printf("| full build, writer CPU time     | %7.0f ms |          |%n", warm.buildCpuMs());
        System.out.printf("| pod event → delta, p50          | %7.1f µs | ≤ 1000 µs|%n", warm.p50Us());
        System.out.printf("| pod event → delta, p99          | %7.1f µs | ≤ 1000 µs|%n", warm.p99Us());
        System.out.printf("| pod event → delta, max          | %7.1f µs |          |%n", warm.maxUs());
        System.out.printf("| pod event → delta, p99 (cold)   | %7.1f µs |          |%n", cold.p99Us());
        System.out.printf("| pod event writer CPU, p50       | %7.1f µs |          |%n", warm.cpuP50Us());
        System.out.printf("| pod event writer CPU, p99       | %7.1f µs |          |%n", warm.cpuP99Us());
        System.out.printf("| heap used after GC              | %7d MB | ≤ 512 MB |%n", warm.heapMb());
    }
}
