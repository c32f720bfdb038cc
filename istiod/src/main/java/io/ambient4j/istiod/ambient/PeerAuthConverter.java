package io.ambient4j.istiod.ambient;

import com.google.protobuf.Empty;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.security.StringMatch;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.PeerAuthenticationSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * PeerAuthentication → ztunnel DENY policies (spec §8.1, upstream {@code authorization.go}). ztunnel never
 * sees PeerAuthentication: STRICT becomes "deny connections without a peer identity". Pure.
 */
public final class PeerAuthConverter {
    public static final String STATIC_STRICT_POLICY_NAME = "istio_converted_static_strict";
    public static final String CONVERTED_PREFIX = "converted_peer_authentication_";

    private PeerAuthConverter() {}

    /** The mode of an mTLS block: UNSET when absent. */
    static String mode(PeerAuthenticationSpec.MutualTls m) {
        return m == null || m.mode == null || m.mode.isEmpty() ? "UNSET" : m.mode;
    }

    private static boolean isStrict(PeerAuthenticationSpec.MutualTls m) {
        return "STRICT".equals(mode(m));
    }

    private static boolean isUnset(PeerAuthenticationSpec.MutualTls m) {
        return "UNSET".equals(mode(m));
    }

    private static boolean isPermissiveOrDisable(PeerAuthenticationSpec.MutualTls m) {
        String x = mode(m);
        return "PERMISSIVE".equals(x) || "DISABLE".equals(x);
    }

    private static PeerAuthenticationSpec spec(PeerAuthentication p) {
        return p.getSpec() == null ? new PeerAuthenticationSpec() : p.getSpec();
    }

    private static boolean hasSelector(PeerAuthentication p) {
        var s = spec(p).selector;
        return s != null && s.matchLabels != null && !s.matchLabels.isEmpty();
    }

    private static Instant created(PeerAuthentication p) {
        String ts = p.getMetadata().getCreationTimestamp();
        try {
            return ts == null ? Instant.MAX : Instant.parse(ts);
        } catch (RuntimeException e) {
            return Instant.MAX;
        }
    }

    /** The oldest policy (creation time, then name for a stable tie-break), or null. */
    public static PeerAuthentication oldest(List<PeerAuthentication> policies) {
        return policies.stream()
                .min(Comparator.comparing(PeerAuthConverter::created)
                        .thenComparing(p -> p.getMetadata().getNamespace() + "/"
                                + p.getMetadata().getName()))
                .orElse(null);
    }

    /** The static DENY published once any PeerAuthentication exists. */
    public static Authorization staticStrict(String rootNamespace) {
        return Authorization.newBuilder()
                .setName(STATIC_STRICT_POLICY_NAME)
                .setNamespace(rootNamespace)
                .setScope(Scope.WORKLOAD_SELECTOR)
                .setAction(Action.DENY)
                .addRules(Rule.newBuilder().addClauses(Clause.newBuilder().addMatches(notPrincipalsPresence())))
                .build();
    }

    private static Match notPrincipalsPresence() {
        return Match.newBuilder()
                .addNotPrincipals(StringMatch.newBuilder().setPresence(Empty.getDefaultInstance()))
                .build();
    }

    /**
     * The policy names a workload lists for its PeerAuthentications: the static STRICT policy when its
     * effective mode (mesh → namespace → workload; oldest wins at each level) is STRICT, and/or the
     * converted port-level policy of its workload PeerAuthentication.
     *
     * @param applicable the workload-namespace policies (any selector matching the workload, or none) plus
     *     the root-namespace policies without a selector
     */
    public static List<String> effectiveKeys(String rootNamespace, List<PeerAuthentication> applicable) {
        List<PeerAuthentication> mesh = new ArrayList<>();
        List<PeerAuthentication> namespace = new ArrayList<>();
        List<PeerAuthentication> workload = new ArrayList<>();
        for (PeerAuthentication p : applicable) {
            boolean root = rootNamespace.equals(p.getMetadata().getNamespace());
            if (!hasSelector(p)) {
                (root ? mesh : namespace).add(p);
            } else if (!root) {
                workload.add(p);
            }
        }
        PeerAuthentication meshCfg = oldest(mesh);
        PeerAuthentication nsCfg = oldest(namespace);
        PeerAuthentication wlCfg = oldest(workload);
        boolean strict = false;
        String portLevelKey = null;
        if (meshCfg != null) {
            strict = isStrict(spec(meshCfg).mtls);
        }
        if (nsCfg != null && !isUnset(spec(nsCfg).mtls)) {
            strict = isStrict(spec(nsCfg).mtls);
        }
        if (wlCfg != null) {
            PeerAuthenticationSpec ws = spec(wlCfg);
            if (isStrict(ws.mtls)) {
                strict = true;
            }
            if (isPermissiveOrDisable(ws.mtls)) {
                strict = false;
            }
            if (ws.portLevelMtls != null) {
                String key = wlCfg.getMetadata().getNamespace() + "/" + CONVERTED_PREFIX
                        + wlCfg.getMetadata().getName();
                var ports = ws.portLevelMtls.values();
                switch (mode(ws.mtls)) {
                    case "STRICT" -> {
                        if (ports.stream().anyMatch(PeerAuthConverter::isPermissiveOrDisable)) {
                            portLevelKey = key;
                            strict = false;
                        }
                    }
                    case "PERMISSIVE", "DISABLE" -> {
                        if (ports.stream().anyMatch(PeerAuthConverter::isStrict)) {
                            portLevelKey = key;
                        }
                    }
                    default -> {
                        if (strict) {
                            if (ports.stream().anyMatch(m -> "PERMISSIVE".equals(mode(m)))) {
                                portLevelKey = key;
                                strict = false;
                            }
                        } else if (ports.stream().anyMatch(PeerAuthConverter::isStrict)) {
                            portLevelKey = key;
                        }
                    }
                }
            }
        }
        TreeSet<String> out = new TreeSet<>();
        if (strict) {
            out.add(rootNamespace + "/" + STATIC_STRICT_POLICY_NAME);
        }
        if (portLevelKey != null) {
            out.add(portLevelKey);
        }
        return List.copyOf(out);
    }

    /**
     * A workload PeerAuthentication with {@code portLevelMtls} → DENY {@code converted_peer_authentication_<name>};
     * null when it needs no policy of its own. {@code nsCfg}/{@code rootCfg} are the effective namespace and
     * mesh policies (or null).
     */
    public static Authorization convert(
            String rootNamespace, PeerAuthentication cfg, PeerAuthentication nsCfg, PeerAuthentication rootCfg) {
        PeerAuthenticationSpec pa = spec(cfg);
        if (rootNamespace.equals(cfg.getMetadata().getNamespace())
                || pa.selector == null
                || pa.portLevelMtls == null
                || pa.portLevelMtls.isEmpty()) {
            return null;
        }
        String mode = mode(pa.mtls);
        PeerAuthenticationSpec.MutualTls nsMtls = nsCfg == null ? null : spec(nsCfg).mtls;
        PeerAuthenticationSpec.MutualTls rootMtls = rootCfg == null ? null : spec(rootCfg).mtls;
        List<Clause> clauses = new ArrayList<>();
        List<Rule> groups = new ArrayList<>();
        if ("STRICT".equals(mode)) {
            clauses.add(Clause.newBuilder().addMatches(notPrincipalsPresence()).build());
        }
        boolean foundNonStrict = false;
        Map<Integer, PeerAuthenticationSpec.MutualTls> ports = new TreeMap<>();
        for (var e : pa.portLevelMtls.entrySet()) {
            try {
                int port = Integer.parseInt(e.getKey());
                if (port > 0 && port <= 65535) {
                    ports.put(port, e.getValue());
                }
            } catch (NumberFormatException ex) {
                // a non-numeric key cannot match any port; skipped (CRD validation rejects it upstream)
            }
        }
        for (var e : ports.entrySet()) {
            int port = e.getKey();
            String portMode = mode(e.getValue());
            if ("STRICT".equals(portMode)) {
                boolean parentStrict = "STRICT".equals(mode)
                        || ("UNSET".equals(mode) && nsCfg != null && isStrict(nsMtls))
                        || ((nsCfg == null || isUnset(nsMtls)) && rootCfg != null && isStrict(rootMtls));
                if (parentStrict) {
                    continue;
                }
                groups.add(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(notPrincipalsPresence().toBuilder().addDestinationPorts(port)))
                        .build());
            } else if ("PERMISSIVE".equals(portMode) || "DISABLE".equals(portMode)) {
                if ("PERMISSIVE".equals(mode) || "DISABLE".equals(mode)) {
                    continue;
                }
                if ("UNSET".equals(mode)
                        && ((nsCfg != null && !isStrict(nsMtls))
                                || (nsCfg == null && rootCfg != null && !isStrict(rootMtls))
                                || (nsCfg == null && rootCfg == null))) {
                    continue;
                }
                foundNonStrict = true;
                clauses.add(Clause.newBuilder()
                        .addMatches(Match.newBuilder().addNotDestinationPorts(port))
                        .build());
            }
        }
        if ("STRICT".equals(mode) && !foundNonStrict) {
            return null;
        }
        if (clauses.isEmpty() && groups.isEmpty()) {
            return null;
        }
        boolean mergeStrict =
                (rootCfg != null && isStrict(rootMtls) && (nsCfg == null || isUnset(nsMtls) || isStrict(nsMtls)))
                        || (nsCfg != null && isStrict(nsMtls));
        if (mergeStrict && foundNonStrict) {
            clauses.add(Clause.newBuilder().addMatches(notPrincipalsPresence()).build());
        }
        if (!clauses.isEmpty()) {
            groups.add(Rule.newBuilder().addAllClauses(clauses).build());
        }
        return Authorization.newBuilder()
                .setName(CONVERTED_PREFIX + cfg.getMetadata().getName())
                .setNamespace(cfg.getMetadata().getNamespace())
                .setScope(Scope.WORKLOAD_SELECTOR)
                .setAction(Action.DENY)
                .addAllRules(groups)
                .build();
    }
}
