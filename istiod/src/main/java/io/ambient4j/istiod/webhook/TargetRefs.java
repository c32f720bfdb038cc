package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.kube.crd.PolicyTargetReference;

/**
 * {@code targetRef(s)} rules shared by the policy kinds: only the kinds a policy can attach to, by name,
 * in the policy's own namespace (cross-namespace references are not supported upstream either).
 */
final class TargetRefs {
    private TargetRefs() {}

    static void check(Problems p, String at, PolicyTargetReference ref, String namespace) {
        if (ref == null) {
            p.add(at, "must not be null");
            return;
        }
        if (ref.name == null || ref.name.isEmpty()) {
            p.add(at + ".name", "must be set");
        }
        String group = ref.group == null ? "" : ref.group;
        String kind = ref.kind == null ? "" : ref.kind;
        boolean known = switch (kind) {
            case "Gateway", "GatewayClass" -> group.equals("gateway.networking.k8s.io");
            case "Service" -> group.isEmpty() || group.equals("core");
            case "ServiceEntry" -> group.equals("networking.istio.io");
            default -> false;
        };
        if (!known) {
            p.add(
                    at + ".kind",
                    "'" + group + "/" + kind + "' is not a supported target; use gateway.networking.k8s.io/Gateway, "
                            + "gateway.networking.k8s.io/GatewayClass, core Service or networking.istio.io/ServiceEntry");
        }
        if (ref.namespace != null && !ref.namespace.isEmpty() && !ref.namespace.equals(namespace)) {
            p.add(
                    at + ".namespace",
                    "cross-namespace reference to '" + ref.namespace + "' is not supported; the policy is in '"
                            + namespace + "'");
        }
    }
}
