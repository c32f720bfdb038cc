package io.ambient4j.conformance.scenario;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where scenarios run: the seam between {@link ScenarioRunner} (the steps' meaning, the same everywhere) and the
 * cluster's reach. {@link LocalCluster} is the local mesh (pods are network namespaces on this machine, every step
 * runs); {@link ExternalCluster} is a real cluster reached through its API only (probes by exec in the echo pods,
 * node-level steps skipped, see {@link StepSupport}).
 */
public interface Cluster {
    /** Which steps this cluster carries out ({@link StepSupport}). */
    StepSupport.Mode mode();

    /** The API client scenarios read and change objects through. */
    KubernetesClient client();

    /** Components that are not available, with the reason (scenarios requiring them are skipped). */
    Map<String, String> unavailableComponents();

    /** Applies a scenario's YAML (create or update); returns the objects applied, in order. */
    List<HasMetadata> apply(String yaml);

    /** Stops a component instance. */
    void stopComponent(String instance);

    /** Starts a component instance and waits until it is ready; why it is not, or empty. */
    Optional<String> startComponent(String instance);

    /**
     * One probe connection from {@code from} ({@code pod} is its pod, null for a node or outside) to {@code url}: the
     * outcome as the echo protocol's client observed it.
     */
    Outcome connect(
            Scenario.Target from,
            Pod pod,
            String url,
            String method,
            Map<String, String> headers,
            String send,
            Duration timeout);

    /** {@code iptables-save -t table} in the network namespace of {@code where}. */
    String iptablesSave(Scenario.Target where, Pod pod, String table);

    /**
     * The log of a component: {@code istiod} ({@code node} null), or {@code ztunnel} / {@code cni} on a node (its
     * scenario name).
     */
    String componentLog(String component, String node);

    /** The IP of a node, by its scenario name ({@code node-1}, ...). */
    String nodeIp(String node);

    /** The source address of connections from {@code outside}. */
    String outsideIp();

    /** Deletes what a scenario applied (reverse order) and waits until its pods are gone. */
    void cleanup(List<Scenario.ObjectRef> applied);
}
