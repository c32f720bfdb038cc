package io.ambient4j.cni.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Converts fabric8 pods into {@link PodView}s at the informer edge. */
public final class PodViews {
    private PodViews() {}

    public static PodView from(Pod pod) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        var status = pod.getStatus();
        List<String> ips = List.of();
        String phase = "";
        if (status != null) {
            phase = status.getPhase();
            if (status.getPodIPs() != null && !status.getPodIPs().isEmpty()) {
                ips = status.getPodIPs().stream()
                        .map(PodIP::getIp)
                        .filter(Objects::nonNull)
                        .toList();
            } else if (status.getPodIP() != null && !status.getPodIP().isEmpty()) {
                ips = List.of(status.getPodIP());
            }
        }
        return new PodView(
                Objects.requireNonNullElse(meta.getUid(), ""),
                meta.getName(),
                meta.getNamespace(),
                meta.getLabels() == null ? Map.of() : meta.getLabels(),
                meta.getAnnotations() == null ? Map.of() : meta.getAnnotations(),
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()),
                phase,
                ips);
    }
}
