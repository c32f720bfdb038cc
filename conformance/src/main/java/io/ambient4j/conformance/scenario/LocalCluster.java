package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.mesh.Manifests;
import io.ambient4j.conformance.mesh.MeshHarness;
import io.ambient4j.conformance.mesh.Sh;
import io.ambient4j.conformance.mesh.Topology;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local mesh as a {@link Cluster}: probes open their sockets inside the pod's (or node's, or the underlay's)
 * network namespace, rules are read there with iptables-save, components are the harness's processes. Every step is
 * supported.
 */
public final class LocalCluster implements Cluster {
    private static final Duration POLL = Duration.ofMillis(150);

    private final MeshHarness mesh;
    private final Probe probe;

    public LocalCluster(MeshHarness mesh) {
        this.mesh = mesh;
        this.probe = new Probe(mesh.executor());
    }

    @Override
    public StepSupport.Mode mode() {
        return StepSupport.Mode.LOCAL;
    }

    @Override
    public KubernetesClient client() {
        return mesh.client();
    }

    @Override
    public Map<String, String> unavailableComponents() {
        return mesh.unavailableComponents();
    }

    @Override
    public List<HasMetadata> apply(String yaml) {
        return Manifests.apply(mesh.client(), yaml);
    }

    @Override
    public void stopComponent(String instance) {
        mesh.stopComponent(instance);
    }

    @Override
    public Optional<String> startComponent(String instance) {
        return mesh.startComponent(instance);
    }

    @Override
    public Outcome connect(
            Scenario.Target from,
            Pod pod,
            String url,
            String method,
            Map<String, String> headers,
            String send,
            Duration timeout) {
        return probe.run(netns(from, pod), url, method, headers, send, timeout);
    }

    @Override
    public String iptablesSave(Scenario.Target where, Pod pod, String table) {
        return Sh.run(Sh.inNetns(netns(where, pod), "iptables-save", "-t", table), null);
    }

    /** The log file the harness writes for the instance ({@code <run dir>/<instance>.log}). */
    @Override
    public String componentLog(String component, String node) {
        String instance = new Scenario.Log(component, node, List.of(), List.of()).instance();
        java.nio.file.Path file = mesh.runDir().resolve(instance + ".log");
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no log of " + instance + " (" + file + "): " + e.getMessage(), e);
        }
    }

    @Override
    public String nodeIp(String node) {
        return mesh.topology().node(node).nodeIp();
    }

    @Override
    public String outsideIp() {
        return Topology.UNDERLAY_IP;
    }

    private String netns(Scenario.Target t, Pod pod) {
        return switch (t.kind()) {
            case OUTSIDE -> mesh.topology().underlayNetns();
            case NODE -> mesh.topology().node(t.name()).netns();
            default ->
                mesh.topology()
                        .podNetns(
                                pod.getMetadata().getNamespace(),
                                pod.getMetadata().getName());
        };
    }

    @Override
    public void cleanup(List<Scenario.ObjectRef> applied) {
        KubernetesClient client = mesh.client();
        for (Scenario.ObjectRef ref : applied.reversed()) {
            try {
                ObjectAccess.delete(client, ref);
            } catch (RuntimeException ignored) {
                // already gone, or deleted by the scenario itself
            }
        }
        // The embedded API has no namespace controller: delete what the controllers made in those namespaces.
        List<String> namespaces = applied.stream()
                .filter(r -> r.kind().equals("Namespace"))
                .map(Scenario.ObjectRef::name)
                .toList();
        for (String ns : namespaces) {
            client.apps().deployments().inNamespace(ns).delete();
            client.apps().replicaSets().inNamespace(ns).delete();
            client.pods().inNamespace(ns).delete();
            client.services().inNamespace(ns).delete();
        }
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)
                && mesh.kubelet().realisedPods().keySet().stream()
                        .anyMatch(k -> namespaces.contains(k.substring(0, k.indexOf('/')))
                                || applied.stream()
                                        .anyMatch(r ->
                                                r.kind().equals("Pod") && k.equals(r.namespace() + "/" + r.name())))) {
            ScenarioRunner.pause(POLL);
        }
    }
}
