package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.kube.crd.PeerAuthenticationSpec;
import java.util.List;
import java.util.Set;

/**
 * PeerAuthentication rules (security.istio.io): known mTLS modes, and port-level settings only with a
 * workload selector, because a port number means nothing for a namespace- or mesh-wide policy.
 */
final class PeerAuthenticationValidator {
    static final Set<String> MODES = Set.of("UNSET", "DISABLE", "PERMISSIVE", "STRICT");

    private PeerAuthenticationValidator() {}

    static List<Violation> validate(PeerAuthenticationSpec spec) {
        Problems p = new Problems();
        if (spec == null) {
            return p.list();
        }
        if (spec.selector != null) {
            Syntax.labels(p, "spec.selector.matchLabels", spec.selector.matchLabels);
        }
        mode(p, "spec.mtls.mode", spec.mtls);
        if (spec.portLevelMtls != null && !spec.portLevelMtls.isEmpty()) {
            boolean selected =
                    spec.selector != null && spec.selector.matchLabels != null && !spec.selector.matchLabels.isEmpty();
            if (!selected) {
                p.add("spec.portLevelMtls", "port-level mTLS requires a workload selector with matchLabels");
            }
            for (var e : spec.portLevelMtls.entrySet()) {
                String at = "spec.portLevelMtls[" + e.getKey() + "]";
                if (Syntax.port(e.getKey(), 1) == null) {
                    p.add(at, "port '" + e.getKey() + "' is not a number in 1-65535");
                }
                if (e.getValue() == null) {
                    p.add(at, "must not be null");
                } else {
                    mode(p, at + ".mode", e.getValue());
                }
            }
        }
        return p.list();
    }

    private static void mode(Problems p, String at, PeerAuthenticationSpec.MutualTls mtls) {
        if (mtls != null && mtls.mode != null && !mtls.mode.isEmpty() && !MODES.contains(mtls.mode)) {
            p.add(at, "unknown mode '" + mtls.mode + "'; expected one of UNSET, DISABLE, PERMISSIVE, STRICT");
        }
    }
}
