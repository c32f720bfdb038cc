package io.ambient4j.istiod.ambient;

import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The waypoint L7 part of the index: HTTPRoutes and targetRef AuthorizationPolicies in, {@code L7Policy} and
 * {@code HttpRoute} resources (each with the waypoints it concerns) out. Owned by the index's writer thread.
 *
 * <p>It keeps each Service's and ServiceEntry's attachment facts (hostnames, bound waypoint). A Service event
 * recomputes that one entry; only when an entry really changed (or a policy, route or waypoint changed) is every L7
 * object translated again, which is O(services + L7 objects). So the common Service events (endpoints, annotations,
 * ports) cost one lookup, and nothing at all is done while the mesh has no HTTPRoute and no targetRef policy.
 */
final class L7Output {
    private static final System.Logger LOG = System.getLogger(L7Output.class.getName());

    final OutputTable policies = new OutputTable();
    final OutputTable routes = new OutputTable();
    private final Map<String, HTTPRoute> httpRoutes = new HashMap<>();
    /** The AuthorizationPolicies with targetRefs (the others are ztunnel's). */
    private final Map<String, AuthorizationPolicy> targetedPolicies = new HashMap<>();

    private final Map<String, String> lastProblems = new HashMap<>();
    /** Attachment facts by {@link L7Targets#serviceKey}/{@link L7Targets#serviceEntryKey}; valid unless allStale. */
    private final Map<String, L7Targets.Target> targets = new HashMap<>();

    private final Set<String> staleTargets = new HashSet<>();
    private boolean allStale = true;
    private boolean objectsDirty;

    void route(String key, HTTPRoute route, boolean deleted) {
        if (deleted) {
            httpRoutes.remove(key);
        } else {
            httpRoutes.put(key, route);
        }
        objectsDirty = true;
    }

    /** An AuthorizationPolicy changed (it may have gained or lost targetRefs); null when deleted. */
    void policyChanged(String key, AuthorizationPolicy ap) {
        if (ap != null && L7PolicyTranslator.isTargeted(ap)) {
            targetedPolicies.put(key, ap);
            objectsDirty = true;
        } else if (targetedPolicies.remove(key) != null) {
            objectsDirty = true;
        }
    }

    /** A Service ({@code Service/ns/name}) or ServiceEntry ({@code ServiceEntry/ns/name}) changed. */
    void serviceChanged(String targetKey) {
        staleTargets.add(targetKey);
    }

    /** A Namespace changed (its use-waypoint label binds services) or a waypoint did: every binding may move. */
    void bindingsChanged() {
        allStale = true;
        objectsDirty = true;
    }

    int routeCount() {
        return httpRoutes.size();
    }

    /**
     * Retranslates everything when dirty.
     *
     * @param errors the index's error map ({@code Kind/ns/name} → message); L7 problems are recorded there
     */
    void recompute(
            Map<String, Service> services,
            Map<String, ServiceEntry> serviceEntries,
            Map<String, Namespace> namespaces,
            Map<String, Waypoint> waypoints,
            MeshSettings mesh,
            Map<String, String> errors) {
        if (!objectsDirty && !allStale && staleTargets.isEmpty()) {
            return;
        }
        var targeted = targetedPolicies.entrySet();
        Map<String, L7Targets.Targeted> policyOut = new HashMap<>();
        Map<String, L7Targets.Targeted> routeOut = new HashMap<>();
        Map<String, String> problems = new HashMap<>();
        if (targeted.isEmpty() && httpRoutes.isEmpty()) {
            // nothing to attach: forget the facts (rebuilt when an L7 object appears)
            targets.clear();
            staleTargets.clear();
            allStale = true;
            if (!objectsDirty) {
                return;
            }
        } else if (!refreshTargets(services, serviceEntries, namespaces, waypoints, mesh) && !objectsDirty) {
            return;
        }
        objectsDirty = false;
        if (!targeted.isEmpty() || !httpRoutes.isEmpty()) {
            L7Targets targets = new L7Targets(waypoints, this.targets);
            for (var e : targeted) {
                collect(
                        "AuthorizationPolicy/" + e.getKey(),
                        e.getKey(),
                        () -> L7PolicyTranslator.translate(e.getValue(), targets, mesh),
                        policyOut,
                        problems);
            }
            for (var e : httpRoutes.entrySet()) {
                collect(
                        "HTTPRoute/" + e.getKey(),
                        e.getKey(),
                        () -> HttpRouteTranslator.translate(e.getValue(), targets, mesh),
                        routeOut,
                        problems);
            }
        }
        policies.replaceTargeted("L7", policyOut);
        routes.replaceTargeted("L7", routeOut);
        for (String object : List.copyOf(lastProblems.keySet())) {
            if (!problems.containsKey(object)) {
                lastProblems.remove(object);
                errors.remove(object);
            }
        }
        problems.forEach((object, text) -> {
            if (!Objects.equals(lastProblems.put(object, text), text)) {
                // No status writer for Gateway API routes or waypoint policies yet: the log and the debug dump
                // (errors) are where a user sees why part of an object has no effect.
                LOG.log(System.Logger.Level.WARNING, object + ": " + text);
            }
            errors.put(object, "L7: " + text);
        });
    }

    private static void collect(
            String object,
            String name,
            java.util.function.Supplier<L7Targets.Result> translate,
            Map<String, L7Targets.Targeted> out,
            Map<String, String> problems) {
        try {
            L7Targets.Result r = translate.get();
            if (r.resource() != null) {
                out.put(name, r.resource());
            }
            if (!r.problems().isEmpty()) {
                problems.put(object, String.join("; ", r.problems()));
            }
        } catch (RuntimeException ex) {
            problems.put(object, "TRANSLATION_FAILED: " + ex);
            LOG.log(System.Logger.Level.WARNING, "cannot translate " + object, ex);
        }
    }

    /** Brings the attachment facts up to date; true when any of them changed. */
    private boolean refreshTargets(
            Map<String, Service> services,
            Map<String, ServiceEntry> serviceEntries,
            Map<String, Namespace> namespaces,
            Map<String, Waypoint> waypoints,
            MeshSettings mesh) {
        if (allStale) {
            Map<String, L7Targets.Target> fresh = targets(services, serviceEntries, namespaces, waypoints, mesh)
                    .services();
            boolean changed = !fresh.equals(targets);
            targets.clear();
            targets.putAll(fresh);
            allStale = false;
            staleTargets.clear();
            return changed;
        }
        boolean changed = false;
        for (String key : staleTargets) {
            String rest = key.substring(key.indexOf('/') + 1);
            L7Targets.Target t = key.startsWith("Service/")
                    ? target(services.get(rest), namespaces, waypoints, mesh)
                    : target(serviceEntries.get(rest), namespaces, waypoints);
            L7Targets.Target before = t == null ? targets.remove(key) : targets.put(key, t);
            changed |= !Objects.equals(before, t);
        }
        staleTargets.clear();
        return changed;
    }

    private static L7Targets.Target target(
            Service s, Map<String, Namespace> namespaces, Map<String, Waypoint> waypoints, MeshSettings mesh) {
        if (s == null) {
            return null;
        }
        var meta = s.getMetadata();
        String ns = meta.getNamespace();
        Waypoint w =
                Waypoints.forService(meta, nsLabels(namespaces, ns), waypoints).waypoint();
        return new L7Targets.Target(
                ns, List.of(meta.getName() + "." + ns + ".svc." + mesh.domainSuffix()), w == null ? null : w.key());
    }

    private static L7Targets.Target target(
            ServiceEntry se, Map<String, Namespace> namespaces, Map<String, Waypoint> waypoints) {
        if (se == null) {
            return null;
        }
        var meta = se.getMetadata();
        String ns = meta.getNamespace();
        List<String> hosts = se.getSpec() == null || se.getSpec().hosts == null
                ? List.of()
                : se.getSpec().hosts.stream().filter(h -> h != null).toList();
        Waypoint w =
                Waypoints.forService(meta, nsLabels(namespaces, ns), waypoints).waypoint();
        return new L7Targets.Target(ns, hosts, w == null ? null : w.key());
    }

    /** Every Service and ServiceEntry with its hostnames and (when bound) waypoint. */
    static L7Targets targets(
            Map<String, Service> services,
            Map<String, ServiceEntry> serviceEntries,
            Map<String, Namespace> namespaces,
            Map<String, Waypoint> waypoints,
            MeshSettings mesh) {
        Map<String, L7Targets.Target> out = new HashMap<>();
        for (Service s : services.values()) {
            var meta = s.getMetadata();
            out.put(L7Targets.serviceKey(meta.getNamespace(), meta.getName()), target(s, namespaces, waypoints, mesh));
        }
        for (ServiceEntry se : serviceEntries.values()) {
            var meta = se.getMetadata();
            out.put(L7Targets.serviceEntryKey(meta.getNamespace(), meta.getName()), target(se, namespaces, waypoints));
        }
        return new L7Targets(waypoints, out);
    }

    private static Map<String, String> nsLabels(Map<String, Namespace> namespaces, String ns) {
        Namespace n = namespaces.get(ns);
        return n == null ? Map.of() : Selectors.orEmpty(n.getMetadata().getLabels());
    }
}
