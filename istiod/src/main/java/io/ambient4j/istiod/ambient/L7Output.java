package io.ambient4j.istiod.ambient;

import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The waypoint L7 part of the index: HTTPRoutes and targetRef AuthorizationPolicies in, {@code L7Policy} and
 * {@code HttpRoute} resources (each with the waypoints it concerns) out. Owned by the index's writer thread.
 *
 * <p>Any change that can move an attachment (a policy, a route, a Service, ServiceEntry, Namespace or waypoint)
 * marks it dirty; the next recompute translates every L7 object again against the current bindings. That is
 * O(services + L7 objects) per dirty batch, and nothing at all while the mesh has no HTTPRoute and no targetRef
 * policy.
 */
final class L7Output {
    private static final System.Logger LOG = System.getLogger(L7Output.class.getName());

    final OutputTable policies = new OutputTable();
    final OutputTable routes = new OutputTable();
    private final Map<String, HTTPRoute> httpRoutes = new HashMap<>();
    private final Map<String, String> lastProblems = new HashMap<>();
    private boolean dirty;

    void route(String key, HTTPRoute route, boolean deleted) {
        if (deleted) {
            httpRoutes.remove(key);
        } else {
            httpRoutes.put(key, route);
        }
        dirty = true;
    }

    void markDirty() {
        dirty = true;
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
            Map<String, AuthorizationPolicy> authzPolicies,
            Map<String, Service> services,
            Map<String, ServiceEntry> serviceEntries,
            Map<String, Namespace> namespaces,
            Map<String, Waypoint> waypoints,
            MeshSettings mesh,
            Map<String, String> errors) {
        if (!dirty) {
            return;
        }
        dirty = false;
        List<Map.Entry<String, AuthorizationPolicy>> targeted = new ArrayList<>();
        for (var e : authzPolicies.entrySet()) {
            if (L7PolicyTranslator.isTargeted(e.getValue())) {
                targeted.add(e);
            }
        }
        Map<String, L7Targets.Targeted> policyOut = new HashMap<>();
        Map<String, L7Targets.Targeted> routeOut = new HashMap<>();
        Map<String, String> problems = new HashMap<>();
        if (!targeted.isEmpty() || !httpRoutes.isEmpty()) {
            L7Targets targets = targets(services, serviceEntries, namespaces, waypoints, mesh);
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
            String ns = meta.getNamespace();
            Waypoint w = Waypoints.forService(meta, nsLabels(namespaces, ns), waypoints)
                    .waypoint();
            out.put(
                    L7Targets.serviceKey(ns, meta.getName()),
                    new L7Targets.Target(
                            ns,
                            List.of(meta.getName() + "." + ns + ".svc." + mesh.domainSuffix()),
                            w == null ? null : w.key()));
        }
        for (ServiceEntry se : serviceEntries.values()) {
            var meta = se.getMetadata();
            String ns = meta.getNamespace();
            List<String> hosts = se.getSpec() == null || se.getSpec().hosts == null
                    ? List.of()
                    : se.getSpec().hosts.stream().filter(h -> h != null).toList();
            Waypoint w = Waypoints.forService(meta, nsLabels(namespaces, ns), waypoints)
                    .waypoint();
            out.put(
                    L7Targets.serviceEntryKey(ns, meta.getName()),
                    new L7Targets.Target(ns, hosts, w == null ? null : w.key()));
        }
        return new L7Targets(waypoints, out);
    }

    private static Map<String, String> nsLabels(Map<String, Namespace> namespaces, String ns) {
        Namespace n = namespaces.get(ns);
        return n == null ? Map.of() : Selectors.orEmpty(n.getMetadata().getLabels());
    }
}
