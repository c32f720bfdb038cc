package io.ambient4j.istiod.ambient;

import io.ambient4j.api.waypoint.L7Condition;
import io.ambient4j.api.waypoint.L7Operation;
import io.ambient4j.api.waypoint.L7Policy;
import io.ambient4j.api.waypoint.L7Rule;
import io.ambient4j.api.waypoint.L7Source;
import io.ambient4j.api.waypoint.ServiceRef;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicySpec;
import io.ambient4j.istiod.kube.crd.PolicyTargetReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AuthorizationPolicy with {@code targetRefs} → {@code ambient4j.waypoint.L7Policy} for the waypoints it concerns
 * (spec §7.4). Pure. Such a policy is never ztunnel's ({@link AuthorizationConverter} skips it).
 *
 * <p>Attachment as upstream: a ref to a {@code Gateway} (group {@code gateway.networking.k8s.io}) in the policy's
 * namespace picks that waypoint and all its services; the {@code istio-waypoint} {@code GatewayClass} (policies in
 * the root namespace only) picks every waypoint; a {@code Service} (core) or {@code ServiceEntry}
 * ({@code networking.istio.io}) picks that service at the waypoint it is bound to. Refs to anything else, to other
 * namespaces or to unbound services attach nowhere and are reported.
 *
 * <p>Actions: ALLOW, DENY and AUDIT as Istio; the {@code istio.io/dry-run} annotation sets {@code dry_run}. CUSTOM
 * needs an external authorizer the Java waypoint does not have, so it fails closed: it is sent as DENY with one
 * empty rule (matches every request) for its targets. An unknown action fails closed the same way.
 */
public final class L7PolicyTranslator {
    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    static final String ISTIO_NETWORKING_GROUP = "networking.istio.io";
    static final String WAYPOINT_CLASS = "istio-waypoint";

    private L7PolicyTranslator() {}

    /** True when the policy carries {@code targetRef} or {@code targetRefs}: it belongs to waypoints. */
    public static boolean isTargeted(AuthorizationPolicy ap) {
        AuthorizationPolicySpec spec = ap.getSpec();
        return spec != null && (spec.targetRef != null || (spec.targetRefs != null && !spec.targetRefs.isEmpty()));
    }

    /** Translates one policy; a policy without targetRefs, or for another revision, yields no resource. */
    public static L7Targets.Result translate(AuthorizationPolicy ap, L7Targets targets, MeshSettings mesh) {
        var meta = ap.getMetadata();
        String ns = meta.getNamespace();
        List<String> problems = new ArrayList<>();
        String rev = Selectors.orEmpty(meta.getLabels()).get(Labels.REV);
        if (!isTargeted(ap) || (rev != null && !rev.equals(mesh.revision()))) {
            return new L7Targets.Result(null, problems);
        }
        AuthorizationPolicySpec spec = ap.getSpec();
        List<PolicyTargetReference> refs = new ArrayList<>();
        if (spec.targetRef != null) {
            refs.add(spec.targetRef);
        }
        if (spec.targetRefs != null) {
            spec.targetRefs.stream().filter(r -> r != null).forEach(refs::add);
        }
        // waypoint → the services targeted there (empty list: the whole waypoint)
        Map<String, List<ServiceRef>> perWaypoint = new LinkedHashMap<>();
        Set<String> whole = new LinkedHashSet<>();
        for (PolicyTargetReference ref : refs) {
            String group = ref.group == null ? "" : ref.group;
            String kind = ref.kind == null ? "" : ref.kind;
            String name = ref.name == null ? "" : ref.name;
            String refNs = ref.namespace == null || ref.namespace.isEmpty() ? ns : ref.namespace;
            String what = kind + " " + refNs + "/" + name;
            if (!refNs.equals(ns)) {
                problems.add("targetRef " + what + " is in another namespace than the policy; ignored");
                continue;
            }
            switch (group + "|" + kind) {
                case GATEWAY_GROUP + "|Gateway" -> {
                    String key = ns + "/" + name;
                    if (targets.waypoints().containsKey(key)) {
                        whole.add(key);
                    } else {
                        problems.add("targetRef " + what + " is not a ready waypoint");
                    }
                }
                case GATEWAY_GROUP + "|GatewayClass" -> {
                    if (!WAYPOINT_CLASS.equals(name)) {
                        problems.add("targetRef " + what + ": only GatewayClass " + WAYPOINT_CLASS + " is supported");
                    } else if (!ns.equals(mesh.rootNamespace())) {
                        problems.add("targetRef " + what + " is honoured only in the root namespace "
                                + mesh.rootNamespace());
                    } else {
                        whole.addAll(targets.waypoints().keySet());
                    }
                }
                case "|Service", "core|Service", ISTIO_NETWORKING_GROUP + "|ServiceEntry" -> {
                    String key = kind.equals("Service")
                            ? L7Targets.serviceKey(ns, name)
                            : L7Targets.serviceEntryKey(ns, name);
                    L7Targets.Target t = targets.services().get(key);
                    if (t == null) {
                        problems.add("targetRef " + what + " does not exist");
                    } else if (t.waypoint() == null) {
                        problems.add("targetRef " + what + " is not bound to a waypoint");
                    } else {
                        perWaypoint
                                .computeIfAbsent(t.waypoint(), w -> new ArrayList<>())
                                .addAll(t.refs());
                    }
                }
                default -> problems.add("targetRef " + group + "/" + what + " is not a supported target kind");
            }
        }
        Set<String> audience = new LinkedHashSet<>(whole);
        audience.addAll(perWaypoint.keySet());
        if (audience.isEmpty()) {
            return new L7Targets.Result(null, problems);
        }
        L7Policy.Builder out = L7Policy.newBuilder().setName(meta.getName()).setNamespace(ns);
        // One body for every waypoint: when whole waypoints and single services are mixed, the whole ones are
        // spelled out as their services (each waypoint serves only its own, so the union is exact for each).
        if (perWaypoint.isEmpty()) {
            // services stay empty: every service of each target waypoint
        } else {
            Set<ServiceRef> services = new LinkedHashSet<>();
            perWaypoint.values().forEach(services::addAll);
            for (String w : whole) {
                services.addAll(targets.servicesOf(w));
            }
            services.stream()
                    .sorted(java.util.Comparator.comparing(ServiceRef::getHostname)
                            .thenComparing(ServiceRef::getNamespace))
                    .forEach(out::addServices);
        }
        String dry = Selectors.orEmpty(meta.getAnnotations()).get(Labels.DRY_RUN);
        out.setDryRun(dry != null && Waypoints.parseGoBool(dry));
        String action = spec.action == null || spec.action.isEmpty() ? "ALLOW" : spec.action;
        switch (action) {
            case "ALLOW" -> out.setAction(L7Policy.Action.ALLOW);
            case "DENY" -> out.setAction(L7Policy.Action.DENY);
            case "AUDIT" -> out.setAction(L7Policy.Action.AUDIT);
            default -> {
                problems.add(("CUSTOM".equals(action)
                                ? "CUSTOM (external authorization) is not supported by the waypoint"
                                : "unknown action \"" + action + "\"")
                        + "; the policy fails closed: every request to its targets is denied");
                out.setAction(L7Policy.Action.DENY).addRules(L7Rule.getDefaultInstance());
                return new L7Targets.Result(new L7Targets.Targeted(out.build(), audience), problems);
            }
        }
        if (spec.rules != null) {
            for (AuthorizationPolicySpec.Rule r : spec.rules) {
                out.addRules(rule(r == null ? new AuthorizationPolicySpec.Rule() : r, ns, mesh));
            }
        }
        return new L7Targets.Result(new L7Targets.Targeted(out.build(), audience), problems);
    }

    static L7Rule rule(AuthorizationPolicySpec.Rule r, String ns, MeshSettings mesh) {
        L7Rule.Builder b = L7Rule.newBuilder();
        if (r.from != null) {
            for (var f : r.from) {
                var s = f == null || f.source == null ? new AuthorizationPolicySpec.Source() : f.source;
                b.addFrom(L7Source.newBuilder()
                        .addAllPrincipals(list(s.principals))
                        .addAllPrincipals(principals(s.serviceAccounts, ns, mesh))
                        .addAllNotPrincipals(list(s.notPrincipals))
                        .addAllNotPrincipals(principals(s.notServiceAccounts, ns, mesh))
                        .addAllNamespaces(list(s.namespaces))
                        .addAllNotNamespaces(list(s.notNamespaces))
                        .addAllIpBlocks(list(s.ipBlocks))
                        .addAllNotIpBlocks(list(s.notIpBlocks))
                        .addAllRemoteIpBlocks(list(s.remoteIpBlocks))
                        .addAllNotRemoteIpBlocks(list(s.notRemoteIpBlocks))
                        .addAllRequestPrincipals(list(s.requestPrincipals))
                        .addAllNotRequestPrincipals(list(s.notRequestPrincipals)));
            }
        }
        if (r.to != null) {
            for (var t : r.to) {
                var o = t == null || t.operation == null ? new AuthorizationPolicySpec.Operation() : t.operation;
                b.addTo(L7Operation.newBuilder()
                        .addAllHosts(list(o.hosts))
                        .addAllNotHosts(list(o.notHosts))
                        .addAllPorts(list(o.ports))
                        .addAllNotPorts(list(o.notPorts))
                        .addAllMethods(list(o.methods))
                        .addAllNotMethods(list(o.notMethods))
                        .addAllPaths(list(o.paths))
                        .addAllNotPaths(list(o.notPaths)));
            }
        }
        if (r.when != null) {
            for (var w : r.when) {
                if (w == null) {
                    continue;
                }
                b.addWhen(L7Condition.newBuilder()
                        .setKey(w.key == null ? "" : w.key)
                        .addAllValues(list(w.values))
                        .addAllNotValues(list(w.notValues)));
            }
        }
        return b.build();
    }

    private static List<String> list(List<String> v) {
        return v == null ? List.of() : v.stream().filter(x -> x != null).toList();
    }

    /** {@code serviceAccounts} ({@code ns/sa} or {@code sa} in the policy's namespace) as principals. */
    private static List<String> principals(List<String> serviceAccounts, String ns, MeshSettings mesh) {
        List<String> out = new ArrayList<>();
        for (String sa : list(serviceAccounts)) {
            int slash = sa.indexOf('/');
            String saNs = slash >= 0 ? sa.substring(0, slash) : ns;
            String saName = slash >= 0 ? sa.substring(slash + 1) : sa;
            out.add(mesh.trustDomain() + "/ns/" + saNs + "/sa/" + saName);
        }
        return out;
    }
}
