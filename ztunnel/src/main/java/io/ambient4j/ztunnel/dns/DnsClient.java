package io.ambient4j.ztunnel.dns;

import io.ambient4j.ztunnel.state.Workload;
import java.util.Optional;

/**
 * Who asks: the pod behind a DNS proxy, as far as answers and metrics need it. Its namespace drives name expansion
 * and service choice, its network picks the VIPs it can reach, its canonical name and revision label the metrics.
 * The namespace comes from ZDS, so a pod is answered even before xDS has sent its workload.
 */
public record DnsClient(
        String namespace, String network, Optional<String> canonicalName, Optional<String> canonicalRevision) {

    /** The client from its xDS workload when known, else from what ZDS said about the pod. */
    public static DnsClient of(Optional<Workload> workload, String podNamespace, String network) {
        return workload.map(w -> new DnsClient(
                        w.namespace(), w.network(), nonEmpty(w.canonicalName()), nonEmpty(w.canonicalRevision())))
                .orElseGet(() -> new DnsClient(podNamespace, network, Optional.empty(), Optional.empty()));
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
