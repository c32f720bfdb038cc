package io.ambient4j.conformance.services;

import io.ambient4j.conformance.kubelet.DeploymentController;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The endpoint controller's decisions as pure functions: which pods a Service selects, and which target
 * port each Service port resolves to on each pod (numeric, or a named container port).
 */
public final class Endpoints {
    private Endpoints() {}

    /** Whether {@code labels} satisfy the Service selector (an empty selector selects nothing). */
    public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null || selector.isEmpty()) {
            return false;
        }
        return selector.entrySet().stream()
                .allMatch(e -> labels != null && e.getValue().equals(labels.get(e.getKey())));
    }

    /** The container port a Service port targets on {@code pod}, if it has one. */
    public static OptionalInt targetPort(ServicePort sp, Pod pod) {
        IntOrString t = sp.getTargetPort();
        if (t == null) {
            return OptionalInt.of(sp.getPort());
        }
        if (t.getIntVal() != null) {
            return OptionalInt.of(t.getIntVal());
        }
        String name = t.getStrVal();
        if (name != null && name.matches("\\d+")) {
            return OptionalInt.of(Integer.parseInt(name));
        }
        for (var c : pod.getSpec().getContainers()) {
            for (ContainerPort cp : c.getPorts()) {
                if (name != null && name.equals(cp.getName())) {
                    return OptionalInt.of(cp.getContainerPort());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** The ready pods with an IP that {@code svc} selects. */
    public static List<Pod> selected(Service svc, List<Pod> pods) {
        List<Pod> out = new ArrayList<>();
        for (Pod p : pods) {
            if (p.getMetadata().getNamespace().equals(svc.getMetadata().getNamespace())
                    && p.getMetadata().getDeletionTimestamp() == null
                    && selects(svc.getSpec().getSelector(), p.getMetadata().getLabels())
                    && p.getStatus() != null
                    && p.getStatus().getPodIP() != null
                    && DeploymentController.isReady(p)) {
                out.add(p);
            }
        }
        out.sort(java.util.Comparator.comparing(p -> p.getMetadata().getName()));
        return out;
    }

    /** The flattened view kube-proxy and DNS consume. */
    public static ServiceView view(Service svc, List<Pod> selected) {
        List<ServiceView.PortView> ports = new ArrayList<>();
        for (ServicePort sp : svc.getSpec().getPorts()) {
            List<ServiceView.Endpoint> eps = new ArrayList<>();
            for (Pod p : selected) {
                targetPort(sp, p)
                        .ifPresent(port ->
                                eps.add(new ServiceView.Endpoint(p.getStatus().getPodIP(), port)));
            }
            ports.add(new ServiceView.PortView(sp.getName(), sp.getProtocol(), sp.getPort(), eps));
        }
        return new ServiceView(
                svc.getMetadata().getNamespace(),
                svc.getMetadata().getName(),
                svc.getSpec().getClusterIP(),
                ports);
    }
}
