package io.ambient4j.istiod.ambient;

import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.security.StringMatch;
import io.ambient4j.api.workload.Address;
import io.ambient4j.api.workload.Locality;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntrySpec;
import io.ambient4j.istiod.xds.ResourceDelta;
import io.ambient4j.istiod.xds.ResourceSource;
import io.ambient4j.istiod.xds.TypeUrls;
import io.ambient4j.istiod.xds.XdsResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ambient index: Kubernetes objects in, Address and Authorization resources out, incrementally.
 *
 * <p>{@link #apply} is called by exactly one writer thread with a batch of events; it updates the inputs,
 * marks what those events can affect (using per-namespace, per-node and per-selector lookups so a pod event
 * costs one workload, not the whole mesh), recomputes only that, and emits one {@link ResourceDelta} per
 * type URL with only the resources whose bytes changed. {@link #snapshot} and {@link #subscribe} are safe
 * from any thread.
 */
public final class AmbientIndex implements ResourceSource {
    private static final System.Logger LOG = System.getLogger(AmbientIndex.class.getName());

    private final MeshSettings mesh;
    private final StatusSink statusSink;
    private final List<Consumer<ResourceDelta>> listeners = new CopyOnWriteArrayList<>();

    // ---- inputs (writer thread only)
    private final Map<String, Namespace> namespaces = new HashMap<>();
    private final Map<String, Locality> nodeLocality = new HashMap<>();
    private final Map<String, Pod> pods = new HashMap<>();
    private final Map<String, Set<String>> podsByNs = new HashMap<>();
    private final Map<String, Set<String>> podsByNode = new HashMap<>();
    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, ServiceEntry> serviceEntries = new HashMap<>();
    private final Map<String, Set<String>> serviceEntriesByNs = new HashMap<>();
    private final Map<String, WorkloadEntry> workloadEntries = new HashMap<>();
    private final Map<String, Set<String>> workloadEntriesByNs = new HashMap<>();
    private final Map<String, Gateway> gateways = new HashMap<>();
    private final Map<String, AuthorizationPolicy> authzPolicies = new HashMap<>();
    private final Map<String, PeerAuthentication> peerAuths = new HashMap<>();
    private final Map<String, Set<String>> peerAuthsByNs = new HashMap<>();

    // ---- derived
    private final Map<String, Waypoint> waypoints = new ConcurrentHashMap<>();
    private final Map<String, List<ServiceInfo>> serviceInfosBySource = new HashMap<>();
    /** ns → (source key + host → info): the Services that can select workloads of that namespace. */
    private final Map<String, Map<String, ServiceInfo>> serviceInfosByNs = new HashMap<>();

    private final Map<String, AuthorizationConverter.Converted> convertedPolicies = new HashMap<>();
    /** ns → key → converted, only policies that attach through a non-empty selector. */
    private final Map<String, Map<String, AuthorizationConverter.Converted>> selectorPoliciesByNs = new HashMap<>();

    private final Map<String, PolicyStatus> lastStatus = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentSkipListMap<>();

    // ---- outputs
    private final OutputTable addresses = new OutputTable();
    private final OutputTable authorizations = new OutputTable();

    // ---- per-batch dirty sets
    private final Set<String> dirtyPods = new HashSet<>();
    private final Set<String> dirtyWorkloadEntries = new HashSet<>();
    private final Set<String> dirtyServiceSources = new HashSet<>();
    private final Set<String> dirtyServiceEntryWorkloads = new HashSet<>();
    private final Set<String> dirtyPolicies = new HashSet<>();
    private final Set<String> dirtyGateways = new HashSet<>();
    private final Set<String> dirtyPeerAuthNs = new HashSet<>();
    private boolean allWorkloadsDirty;

    public AmbientIndex(MeshSettings mesh, StatusSink statusSink) {
        this.mesh = Objects.requireNonNull(mesh, "mesh");
        this.statusSink = Objects.requireNonNull(statusSink, "statusSink");
    }

    public MeshSettings mesh() {
        return mesh;
    }

    @Override
    public Map<String, XdsResource> snapshot(String typeUrl) {
        return switch (typeUrl) {
            case TypeUrls.ADDRESS -> addresses.snapshot();
            case TypeUrls.AUTHORIZATION -> authorizations.snapshot();
            default -> Map.of();
        };
    }

    @Override
    public void subscribe(Consumer<ResourceDelta> listener) {
        listeners.add(listener);
    }

    /** Translation errors by object ({@code Kind/ns/name} → message), for the debug dump. */
    public Map<String, String> errors() {
        return Map.copyOf(errors);
    }

    /** Applies one batch of events and emits the resulting deltas. Writer thread only. */
    public List<ResourceDelta> apply(List<KubeEvent> events) {
        for (KubeEvent e : events) {
            try {
                ingest(e);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "ignoring event for " + describe(e.object()) + ": " + ex, ex);
            }
        }
        recompute();
        List<ResourceDelta> deltas = new ArrayList<>(2);
        var a = addresses.drain();
        if (!a.upserts().isEmpty() || !a.removals().isEmpty()) {
            deltas.add(
                    new ResourceDelta(TypeUrls.ADDRESS, List.copyOf(a.upserts().values()), a.removals()));
        }
        var z = authorizations.drain();
        if (!z.upserts().isEmpty() || !z.removals().isEmpty()) {
            deltas.add(new ResourceDelta(
                    TypeUrls.AUTHORIZATION, List.copyOf(z.upserts().values()), z.removals()));
        }
        for (ResourceDelta d : deltas) {
            for (Consumer<ResourceDelta> l : listeners) {
                try {
                    l.accept(d);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "delta listener failed", ex);
                }
            }
        }
        return deltas;
    }

    private static String describe(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
                + o.getMetadata().getName();
    }

    private static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return ns == null || ns.isEmpty()
                ? o.getMetadata().getName()
                : ns + "/" + o.getMetadata().getName();
    }

    private static <V> void put(Map<String, V> m, String k, V v, boolean deleted) {
        if (deleted) {
            m.remove(k);
        } else {
            m.put(k, v);
        }
    }

    private static void index(Map<String, Set<String>> idx, String bucket, String key, boolean deleted) {
        if (bucket == null) {
            return;
        }
        if (deleted) {
            Set<String> s = idx.get(bucket);
            if (s != null) {
                s.remove(key);
                if (s.isEmpty()) {
                    idx.remove(bucket);
                }
            }
        } else {
            idx.computeIfAbsent(bucket, b -> new HashSet<>()).add(key);
        }
    }

    // ------------------------------------------------------------------ ingest

    private void ingest(KubeEvent e) {
        HasMetadata o = e.object();
        boolean del = e.deleted();
        String k = key(o);
        String ns = o.getMetadata().getNamespace();
        switch (o) {
            case Namespace n -> {
                put(namespaces, n.getMetadata().getName(), n, del);
                String name = n.getMetadata().getName();
                dirtyPods.addAll(podsByNs.getOrDefault(name, Set.of()));
                dirtyWorkloadEntries.addAll(workloadEntriesByNs.getOrDefault(name, Set.of()));
                dirtyServiceEntryWorkloads.addAll(serviceEntriesByNs.getOrDefault(name, Set.of()));
                for (String svc : services.keySet()) {
                    if (svc.startsWith(name + "/")) {
                        dirtyServiceSources.add("Service/" + svc);
                    }
                }
                for (String se : serviceEntriesByNs.getOrDefault(name, Set.of())) {
                    dirtyServiceSources.add("ServiceEntry/" + se);
                }
            }
            case Node n -> {
                String name = n.getMetadata().getName();
                Locality loc = del
                        ? null
                        : WorkloadTranslator.nodeLocality(n.getMetadata().getLabels());
                if (!Objects.equals(loc, nodeLocality.get(name))) {
                    put(nodeLocality, name, loc, loc == null);
                    dirtyPods.addAll(podsByNode.getOrDefault(name, Set.of()));
                }
            }
            case Pod p -> {
                Pod old = pods.get(k);
                put(pods, k, p, del);
                index(podsByNs, ns, k, del);
                String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
                if (old != null
                        && old.getSpec() != null
                        && !Objects.equals(old.getSpec().getNodeName(), node)) {
                    index(podsByNode, old.getSpec().getNodeName(), k, true);
                }
                index(podsByNode, node, k, del);
                dirtyPods.add(k);
                String gw = gatewayInstanceOf(p);
                String oldGw = old == null ? null : gatewayInstanceOf(old);
                if (gw != null) {
                    dirtyGateways.add(ns + "/" + gw);
                }
                if (oldGw != null) {
                    dirtyGateways.add(ns + "/" + oldGw);
                }
            }
            case Service s -> {
                put(services, k, s, del);
                dirtyServiceSources.add("Service/" + k);
            }
            case EndpointSlice ignored -> {
                // Selector-less Services are matched through EndpointSlices upstream; not implemented here.
            }
            case ServiceEntry se -> {
                put(serviceEntries, k, se, del);
                index(serviceEntriesByNs, ns, k, del);
                dirtyServiceSources.add("ServiceEntry/" + k);
                dirtyServiceEntryWorkloads.add(k);
            }
            case WorkloadEntry we -> {
                put(workloadEntries, k, we, del);
                index(workloadEntriesByNs, ns, k, del);
                dirtyWorkloadEntries.add(k);
            }
            case Gateway g -> {
                put(gateways, k, g, del);
                dirtyGateways.add(k);
            }
            case AuthorizationPolicy ap -> {
                put(authzPolicies, k, ap, del);
                dirtyPolicies.add(k);
            }
            case PeerAuthentication pa -> {
                put(peerAuths, k, pa, del);
                index(peerAuthsByNs, ns, k, del);
                dirtyPeerAuthNs.add(ns);
            }
            default -> LOG.log(System.Logger.Level.DEBUG, "ignoring unsupported kind " + o.getKind());
        }
    }

    private static String gatewayInstanceOf(Pod p) {
        return Selectors.orEmpty(p.getMetadata().getLabels()).get(Labels.GATEWAY_NAME);
    }

    // ------------------------------------------------------------------ recompute

    private void recompute() {
        recomputeGateways();
        recomputeServices();
        recomputePeerAuthentications();
        recomputePolicies();
        recomputeWorkloads();
    }

    private void recomputeGateways() {
        if (dirtyGateways.isEmpty()) {
            return;
        }
        Set<String> changed = new HashSet<>();
        for (String k : dirtyGateways) {
            Gateway g = gateways.get(k);
            Waypoint next = null;
            if (g != null) {
                String ns = g.getMetadata().getNamespace();
                List<String> sas = new ArrayList<>();
                for (String pk : podsByNs.getOrDefault(ns, Set.of())) {
                    Pod p = pods.get(pk);
                    if (g.getMetadata().getName().equals(gatewayInstanceOf(p))
                            && p.getSpec() != null
                            && p.getSpec().getServiceAccountName() != null) {
                        sas.add(p.getSpec().getServiceAccountName());
                    }
                }
                next = Waypoints.fromGateway(g, sas.stream().distinct().toList(), mesh.network())
                        .orElse(null);
            }
            Waypoint prev = next == null ? waypoints.remove(k) : waypoints.put(k, next);
            if (!Objects.equals(prev, next)) {
                changed.add(k);
                publishImplicitWaypointPolicy(k, next);
            }
        }
        dirtyGateways.clear();
        if (changed.isEmpty()) {
            return;
        }
        // A waypoint appeared, changed or vanished: find everything that names it (own or namespace label).
        Set<String> bindingNamespaces = new HashSet<>();
        for (Namespace n : namespaces.values()) {
            if (referencesAny(n.getMetadata().getLabels(), n.getMetadata().getName(), changed)) {
                bindingNamespaces.add(n.getMetadata().getName());
            }
        }
        for (var e : pods.entrySet()) {
            Pod p = e.getValue();
            String ns = p.getMetadata().getNamespace();
            if (bindingNamespaces.contains(ns)
                    || referencesAny(p.getMetadata().getLabels(), ns, changed)
                    || changed.contains(ns + "/" + gatewayInstanceOf(p))) {
                dirtyPods.add(e.getKey());
            }
        }
        for (var e : services.entrySet()) {
            String ns = e.getValue().getMetadata().getNamespace();
            if (bindingNamespaces.contains(ns)
                    || referencesAny(e.getValue().getMetadata().getLabels(), ns, changed)) {
                dirtyServiceSources.add("Service/" + e.getKey());
            }
        }
        for (String se : serviceEntries.keySet()) {
            // few and cheap: a ServiceEntry binds by its own label and each endpoint's labels
            dirtyServiceSources.add("ServiceEntry/" + se);
            dirtyServiceEntryWorkloads.add(se);
        }
        for (var e : workloadEntries.entrySet()) {
            String ns = e.getValue().getMetadata().getNamespace();
            if (bindingNamespaces.contains(ns)
                    || referencesAny(e.getValue().getMetadata().getLabels(), ns, changed)) {
                dirtyWorkloadEntries.add(e.getKey());
            }
        }
    }

    private static boolean referencesAny(Map<String, String> labels, String ns, Set<String> waypointKeys) {
        return Waypoints.useWaypoint(labels, ns) instanceof Waypoints.UseWaypoint.Named n
                && waypointKeys.contains(n.key());
    }

    private void publishImplicitWaypointPolicy(String waypointKey, Waypoint w) {
        String source = "Waypoint/" + waypointKey;
        if (!mesh.autoAllowWaypointPolicy() || w == null || w.serviceAccounts().isEmpty()) {
            authorizations.replace(source, Map.of());
            return;
        }
        Match.Builder m = Match.newBuilder();
        for (String sa : w.serviceAccounts()) {
            m.addPrincipals(
                    StringMatch.newBuilder().setExact(mesh.trustDomain() + "/ns/" + w.namespace() + "/sa/" + sa));
        }
        Authorization a = Authorization.newBuilder()
                .setName(implicitWaypointPolicyName(w))
                .setNamespace(w.namespace())
                .setScope(Scope.WORKLOAD_SELECTOR)
                .setAction(Action.ALLOW)
                .addRules(Rule.newBuilder().addClauses(Clause.newBuilder().addMatches(m)))
                .build();
        authorizations.replace(source, Map.of(w.namespace() + "/" + a.getName(), a));
    }

    private static String implicitWaypointPolicyName(Waypoint w) {
        return "istio_allow_waypoint_" + w.namespace() + "_" + w.name();
    }

    private void recomputeServices() {
        for (String source : dirtyServiceSources) {
            List<ServiceInfo> next;
            int slash = source.indexOf('/');
            String kind = source.substring(0, slash);
            String k = source.substring(slash + 1);
            String ns = k.substring(0, k.indexOf('/'));
            try {
                if (kind.equals("Service")) {
                    Service s = services.get(k);
                    next = s == null
                            ? List.of()
                            : ServiceTranslator.fromService(s, namespaces.get(ns), waypoints, mesh).stream()
                                    .toList();
                } else {
                    ServiceEntry se = serviceEntries.get(k);
                    next = se == null
                            ? List.of()
                            : ServiceTranslator.fromServiceEntry(se, namespaces.get(ns), waypoints, mesh);
                }
                errors.remove(source);
            } catch (TranslationException ex) {
                errors.put(source, ex.reason() + ": " + ex.getMessage());
                LOG.log(System.Logger.Level.WARNING, ex.getMessage());
                next = List.of();
            }
            List<ServiceInfo> prev = next.isEmpty()
                    ? Objects.requireNonNullElse(serviceInfosBySource.remove(source), List.of())
                    : Objects.requireNonNullElse(serviceInfosBySource.put(source, next), List.of());
            Map<String, ServiceInfo> byNs = serviceInfosByNs.computeIfAbsent(ns, x -> new HashMap<>());
            for (ServiceInfo si : prev) {
                byNs.remove(source + "|" + si.service().getHostname());
            }
            for (ServiceInfo si : next) {
                byNs.put(source + "|" + si.service().getHostname(), si);
            }
            if (byNs.isEmpty()) {
                serviceInfosByNs.remove(ns);
            }
            Map<String, Address> out = new LinkedHashMap<>();
            for (ServiceInfo si : next) {
                out.put(si.key(), Address.newBuilder().setService(si.service()).build());
            }
            addresses.replace(source, out);
            if (!membershipEquals(prev, next)) {
                markSelected(ns, prev);
                markSelected(ns, next);
                if (kind.equals("ServiceEntry")) {
                    dirtyServiceEntryWorkloads.add(k);
                }
            }
        }
        dirtyServiceSources.clear();
    }

    /** Whether two translations of one source give every member workload the same services entry. */
    private static boolean membershipEquals(List<ServiceInfo> a, List<ServiceInfo> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            ServiceInfo x = a.get(i);
            ServiceInfo y = b.get(i);
            if (!x.key().equals(y.key())
                    || !x.selector().equals(y.selector())
                    || !x.portNames().equals(y.portNames())
                    || !x.service().getPortsList().equals(y.service().getPortsList())
                    || !Objects.equals(x.waypointKey(), y.waypointKey())) {
                return false;
            }
        }
        return true;
    }

    private void markSelected(String ns, List<ServiceInfo> infos) {
        for (ServiceInfo si : infos) {
            if (si.selector().isEmpty()) {
                continue;
            }
            for (String pk : podsByNs.getOrDefault(ns, Set.of())) {
                if (Selectors.subsetOf(si.selector(), pods.get(pk).getMetadata().getLabels())) {
                    dirtyPods.add(pk);
                }
            }
            for (String wk : workloadEntriesByNs.getOrDefault(ns, Set.of())) {
                if (Selectors.subsetOf(si.selector(), workloadEntryLabels(workloadEntries.get(wk)))) {
                    dirtyWorkloadEntries.add(wk);
                }
            }
        }
    }

    private void recomputePeerAuthentications() {
        if (dirtyPeerAuthNs.isEmpty()) {
            return;
        }
        boolean root = dirtyPeerAuthNs.contains(mesh.rootNamespace());
        Set<String> affectedNs = root ? new HashSet<>(peerAuthsByNs.keySet()) : new HashSet<>(dirtyPeerAuthNs);
        affectedNs.addAll(dirtyPeerAuthNs);
        if (root) {
            allWorkloadsDirty = true;
        } else {
            for (String ns : dirtyPeerAuthNs) {
                dirtyPods.addAll(podsByNs.getOrDefault(ns, Set.of()));
                dirtyWorkloadEntries.addAll(workloadEntriesByNs.getOrDefault(ns, Set.of()));
                dirtyServiceEntryWorkloads.addAll(serviceEntriesByNs.getOrDefault(ns, Set.of()));
            }
        }
        PeerAuthentication rootCfg = oldestWithoutSelector(mesh.rootNamespace());
        for (String ns : affectedNs) {
            PeerAuthentication nsCfg = oldestWithoutSelector(ns);
            Map<String, Authorization> out = new TreeMap<>();
            for (String k : peerAuthsByNs.getOrDefault(ns, Set.of())) {
                Authorization a = PeerAuthConverter.convert(mesh.rootNamespace(), peerAuths.get(k), nsCfg, rootCfg);
                if (a != null) {
                    out.put(ns + "/" + a.getName(), a);
                }
            }
            authorizations.replace("PeerAuthentication/" + ns, out);
        }
        authorizations.replace(
                "PeerAuthentication/static",
                peerAuths.isEmpty()
                        ? Map.of()
                        : Map.of(
                                mesh.rootNamespace() + "/" + PeerAuthConverter.STATIC_STRICT_POLICY_NAME,
                                PeerAuthConverter.staticStrict(mesh.rootNamespace())));
        dirtyPeerAuthNs.clear();
    }

    private PeerAuthentication oldestWithoutSelector(String ns) {
        List<PeerAuthentication> list = new ArrayList<>();
        for (String k : peerAuthsByNs.getOrDefault(ns, Set.of())) {
            PeerAuthentication p = peerAuths.get(k);
            if (p.getSpec() == null || p.getSpec().selector == null) {
                list.add(p);
            }
        }
        return PeerAuthConverter.oldest(list);
    }

    private void recomputePolicies() {
        for (String k : dirtyPolicies) {
            String ns = k.substring(0, k.indexOf('/'));
            String name = k.substring(k.indexOf('/') + 1);
            AuthorizationPolicy ap = authzPolicies.get(k);
            AuthorizationConverter.Converted next = ap == null ? null : AuthorizationConverter.convert(ap, mesh);
            AuthorizationConverter.Converted prev =
                    next == null ? convertedPolicies.remove(k) : convertedPolicies.put(k, next);
            boolean prevAttached = prev != null
                    && prev.authorization() != null
                    && !prev.selector().isEmpty();
            boolean nextAttached = next != null
                    && next.authorization() != null
                    && !next.selector().isEmpty();
            Map<String, AuthorizationConverter.Converted> byNs =
                    selectorPoliciesByNs.computeIfAbsent(ns, x -> new HashMap<>());
            if (nextAttached) {
                byNs.put(k, next);
            } else {
                byNs.remove(k);
            }
            if (byNs.isEmpty()) {
                selectorPoliciesByNs.remove(ns);
            }
            if (prevAttached != nextAttached
                    || (prevAttached && !prev.selector().equals(next.selector()))) {
                if (prevAttached) {
                    markSelectedByPolicy(ns, prev.selector());
                }
                if (nextAttached) {
                    markSelectedByPolicy(ns, next.selector());
                }
            }
            authorizations.replace(
                    "AuthorizationPolicy/" + k,
                    next == null || next.authorization() == null ? Map.of() : Map.of(k, next.authorization()));
            PolicyStatus status = next == null
                    ? null
                    : next.condition(
                            ap.getMetadata().getGeneration() == null
                                    ? 0
                                    : ap.getMetadata().getGeneration());
            if (!Objects.equals(status, lastStatus.get(k))) {
                if (status == null) {
                    lastStatus.remove(k);
                } else {
                    lastStatus.put(k, status);
                }
                if (ap != null) {
                    statusSink.policyStatus(ns, name, status);
                }
            }
        }
        dirtyPolicies.clear();
    }

    private void markSelectedByPolicy(String ns, Map<String, String> selector) {
        if (ns.equals(mesh.rootNamespace())) {
            for (var e : pods.entrySet()) {
                if (Selectors.subsetOf(selector, e.getValue().getMetadata().getLabels())) {
                    dirtyPods.add(e.getKey());
                }
            }
            for (var e : workloadEntries.entrySet()) {
                if (Selectors.subsetOf(selector, workloadEntryLabels(e.getValue()))) {
                    dirtyWorkloadEntries.add(e.getKey());
                }
            }
            dirtyServiceEntryWorkloads.addAll(serviceEntries.keySet());
            return;
        }
        for (String pk : podsByNs.getOrDefault(ns, Set.of())) {
            if (Selectors.subsetOf(selector, pods.get(pk).getMetadata().getLabels())) {
                dirtyPods.add(pk);
            }
        }
        for (String wk : workloadEntriesByNs.getOrDefault(ns, Set.of())) {
            if (Selectors.subsetOf(selector, workloadEntryLabels(workloadEntries.get(wk)))) {
                dirtyWorkloadEntries.add(wk);
            }
        }
        dirtyServiceEntryWorkloads.addAll(serviceEntriesByNs.getOrDefault(ns, Set.of()));
    }

    // ------------------------------------------------------------------ workloads

    private void recomputeWorkloads() {
        if (allWorkloadsDirty) {
            dirtyPods.addAll(pods.keySet());
            dirtyWorkloadEntries.addAll(workloadEntries.keySet());
            dirtyServiceEntryWorkloads.addAll(serviceEntries.keySet());
            allWorkloadsDirty = false;
        }
        for (String k : dirtyPods) {
            Pod p = pods.get(k);
            Map<String, Address> out = Map.of();
            if (p != null) {
                Workload w = buildPod(p);
                if (w != null) {
                    out = Map.of(w.getUid(), Address.newBuilder().setWorkload(w).build());
                }
            }
            addresses.replace("Pod/" + k, out);
        }
        dirtyPods.clear();
        for (String k : dirtyWorkloadEntries) {
            WorkloadEntry we = workloadEntries.get(k);
            Map<String, Address> out = Map.of();
            if (we != null && we.getSpec() != null) {
                Workload w = buildWorkloadEntry(we);
                out = Map.of(w.getUid(), Address.newBuilder().setWorkload(w).build());
            }
            addresses.replace("WorkloadEntry/" + k, out);
        }
        dirtyWorkloadEntries.clear();
        for (String k : dirtyServiceEntryWorkloads) {
            ServiceEntry se = serviceEntries.get(k);
            Map<String, Address> out = new LinkedHashMap<>();
            if (se != null && se.getSpec() != null) {
                for (Workload w : buildServiceEntryWorkloads(se)) {
                    out.put(w.getUid(), Address.newBuilder().setWorkload(w).build());
                }
            }
            addresses.replace("ServiceEntryWorkloads/" + k, out);
        }
        dirtyServiceEntryWorkloads.clear();
    }

    private Map<String, String> nsLabels(String ns) {
        Namespace n = namespaces.get(ns);
        return n == null ? Map.of() : Selectors.orEmpty(n.getMetadata().getLabels());
    }

    private Workload buildPod(Pod p) {
        if (WorkloadTranslator.hasNoWorkload(p)) {
            return null;
        }
        var meta = p.getMetadata();
        String ns = meta.getNamespace();
        Map<String, String> labels = Selectors.orEmpty(meta.getLabels());
        List<ServiceInfo> selecting = selectingServices(ns, labels, true);
        Waypoint waypoint = null;
        if (!Waypoints.isWaypointInstance(meta, waypoints)) {
            waypoint = Waypoints.forWorkload(meta, nsLabels(ns), waypoints).waypoint();
        }
        String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
        var ctx = new WorkloadTranslator.Context(
                mesh,
                node == null ? null : nodeLocality.get(node),
                selecting,
                workloadPolicies(ns, labels, waypoint, selecting),
                waypoint == null ? null : waypoint.address(),
                null);
        return WorkloadTranslator.fromPod(p, ctx).orElse(null);
    }

    private static Map<String, String> workloadEntryLabels(WorkloadEntry we) {
        Map<String, String> merged =
                new HashMap<>(Selectors.orEmpty(we.getMetadata().getLabels()));
        if (we.getSpec() != null) {
            merged.putAll(Selectors.orEmpty(we.getSpec().labels));
        }
        return merged;
    }

    private Workload buildWorkloadEntry(WorkloadEntry we) {
        var meta = we.getMetadata();
        String ns = meta.getNamespace();
        Map<String, String> labels = workloadEntryLabels(we);
        List<ServiceInfo> selecting = selectingServices(ns, labels, true);
        var metaWithLabels = new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(meta)
                .withLabels(labels)
                .build();
        Waypoint waypoint =
                Waypoints.forWorkload(metaWithLabels, nsLabels(ns), waypoints).waypoint();
        var ctx = new WorkloadTranslator.Context(
                mesh,
                null,
                selecting,
                workloadPolicies(ns, labels, waypoint, selecting),
                waypoint == null ? null : waypoint.address(),
                null);
        return WorkloadTranslator.fromWorkloadEntry(
                WorkloadTranslator.workloadEntryUid(mesh.clusterId(), ns, meta.getName()),
                meta.getName(),
                ns,
                labels,
                Selectors.orEmpty(meta.getAnnotations()),
                we.getSpec(),
                ctx);
    }

    private List<Workload> buildServiceEntryWorkloads(ServiceEntry se) {
        var meta = se.getMetadata();
        String ns = meta.getNamespace();
        var spec = se.getSpec();
        List<ServiceInfo> own =
                serviceInfosBySource.getOrDefault("ServiceEntry/" + ns + "/" + meta.getName(), List.of());
        if (own.isEmpty()) {
            return List.of();
        }
        String resolution = spec.resolution == null ? "NONE" : spec.resolution;
        List<WorkloadEntrySpec> eps = spec.endpoints == null ? List.of() : spec.endpoints;
        boolean implicit = eps.isEmpty()
                && spec.workloadSelector == null
                && Set.of("DNS", "DYNAMIC_DNS", "DNS_ROUND_ROBIN").contains(resolution);
        if (implicit) {
            eps = own.stream()
                    .map(si -> {
                        WorkloadEntrySpec w = new WorkloadEntrySpec();
                        w.address = si.service().getHostname();
                        return w;
                    })
                    .toList();
        }
        Map<String, String> seLabels = Selectors.orEmpty(meta.getLabels());
        List<Workload> out = new ArrayList<>();
        for (int i = 0; i < eps.size(); i++) {
            WorkloadEntrySpec ep = eps.get(i);
            if (ep == null || ep.address == null) {
                continue;
            }
            List<ServiceInfo> svcs = implicit ? List.of(own.get(i)) : own;
            Waypoint waypoint = null;
            if (!implicit) {
                var epMeta = new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                        .withName(meta.getName())
                        .withNamespace(ns)
                        .withLabels(Selectors.orEmpty(ep.labels))
                        .build();
                waypoint =
                        Waypoints.forWorkload(epMeta, nsLabels(ns), waypoints).waypoint();
            }
            var ctx = new WorkloadTranslator.Context(
                    mesh,
                    null,
                    svcs,
                    workloadPolicies(ns, seLabels, waypoint, svcs),
                    waypoint == null ? null : waypoint.address(),
                    null);
            out.add(WorkloadTranslator.fromWorkloadEntry(
                    WorkloadTranslator.serviceEntryUid(mesh.clusterId(), ns, meta.getName(), ep.address),
                    meta.getName(),
                    ns,
                    seLabels,
                    Selectors.orEmpty(meta.getAnnotations()),
                    ep,
                    ctx));
        }
        return out;
    }

    /** Services of {@code ns} whose non-empty selector matches {@code labels}, in a stable order. */
    private List<ServiceInfo> selectingServices(String ns, Map<String, String> labels, boolean includeEntries) {
        Map<String, ServiceInfo> candidates = serviceInfosByNs.get(ns);
        if (candidates == null) {
            return List.of();
        }
        TreeMap<String, ServiceInfo> out = new TreeMap<>();
        for (var e : candidates.entrySet()) {
            ServiceInfo si = e.getValue();
            if ((includeEntries || !si.fromServiceEntry()) && Selectors.selectsNonEmpty(si.selector(), labels)) {
                out.put(e.getKey(), si);
            }
        }
        return List.copyOf(out.values());
    }

    /** {@code Workload.authorization_policies}: selector policies, PeerAuthentication keys, waypoint allows. */
    private List<String> workloadPolicies(
            String ns, Map<String, String> labels, Waypoint waypoint, List<ServiceInfo> selecting) {
        TreeSet<String> selected = new TreeSet<>();
        for (String policyNs : ns.equals(mesh.rootNamespace()) ? List.of(ns) : List.of(ns, mesh.rootNamespace())) {
            for (var e : selectorPoliciesByNs.getOrDefault(policyNs, Map.of()).entrySet()) {
                if (Selectors.subsetOf(e.getValue().selector(), labels)) {
                    selected.add(e.getKey());
                }
            }
        }
        List<String> out = new ArrayList<>(selected);
        if (!peerAuths.isEmpty()) {
            List<PeerAuthentication> applicable = new ArrayList<>();
            for (String k : peerAuthsByNs.getOrDefault(ns, Set.of())) {
                PeerAuthentication p = peerAuths.get(k);
                var sel = p.getSpec() == null ? null : p.getSpec().selector;
                if (sel == null || Selectors.subsetOf(sel.matchLabels, labels)) {
                    applicable.add(p);
                }
            }
            if (!ns.equals(mesh.rootNamespace())) {
                for (String k : peerAuthsByNs.getOrDefault(mesh.rootNamespace(), Set.of())) {
                    PeerAuthentication p = peerAuths.get(k);
                    if (p.getSpec() == null || p.getSpec().selector == null) {
                        applicable.add(p);
                    }
                }
            }
            out.addAll(PeerAuthConverter.effectiveKeys(mesh.rootNamespace(), applicable));
        }
        if (mesh.autoAllowWaypointPolicy()) {
            List<Waypoint> relevant = new ArrayList<>();
            for (ServiceInfo si : selecting) {
                if (si.waypointKey() != null
                        && (waypoint == null || !waypoint.key().equals(si.waypointKey()))
                        && waypoints.containsKey(si.waypointKey())) {
                    relevant.add(waypoints.get(si.waypointKey()));
                }
            }
            if (waypoint != null) {
                relevant.add(waypoint);
            }
            for (Waypoint w : relevant) {
                if (!w.serviceAccounts().isEmpty()) {
                    out.add(w.namespace() + "/" + implicitWaypointPolicyName(w));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ debug

    /** Counts for the debug dump. */
    public Map<String, Integer> counts() {
        Map<String, Integer> m = new TreeMap<>();
        m.put("namespaces", namespaces.size());
        m.put("nodes", nodeLocality.size());
        m.put("pods", pods.size());
        m.put("services", services.size());
        m.put("serviceEntries", serviceEntries.size());
        m.put("workloadEntries", workloadEntries.size());
        m.put("gateways", gateways.size());
        m.put("waypoints", waypoints.size());
        m.put("authorizationPolicies", authzPolicies.size());
        m.put("peerAuthentications", peerAuths.size());
        m.put("addressResources", addresses.size());
        m.put("authorizationResources", authorizations.size());
        return m;
    }

    /** Ready waypoints by {@code ns/name} (a copy). */
    public Map<String, Waypoint> waypoints() {
        return Map.copyOf(waypoints);
    }

    /** Last status condition per policy (a copy). */
    public Map<String, PolicyStatus> policyStatuses() {
        return Map.copyOf(lastStatus);
    }
}
