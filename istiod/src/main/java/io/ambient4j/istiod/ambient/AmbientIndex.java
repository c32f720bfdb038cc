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
import io.ambient4j.istiod.kube.crd.GatewayClass;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
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
    private final BindingReporter bindings;
    private final List<Consumer<ResourceDelta>> listeners = new CopyOnWriteArrayList<>();

    private final IndexState state = new IndexState();
    /** hostname → source key → info: Services and ServiceEntry hosts competing for one hostname. */
    private final Map<String, Map<String, ServiceInfo>> infosByHost = new HashMap<>();

    private final Set<String> dirtyHosts = new HashSet<>();
    private final VipAllocator.Table vips = new VipAllocator.Table();
    /** AuthorizationPolicies whose content did not parse: withdrawn, with this status. */
    private final Map<String, PolicyStatus> invalidPolicies = new HashMap<>();

    /** Status reason for a custom resource that did not parse (same as the kube layer's exception). */
    public static final String MALFORMED_REASON = "MalformedResource";

    private final WorkloadAssembler assembler;
    // aliases of the shared state, read and written only by the writer thread
    private final Map<String, Namespace> namespaces = state.namespaces;
    private final Map<String, Locality> nodeLocality = state.nodeLocality;
    private final Map<String, Pod> pods = state.pods;
    private final Map<String, Set<String>> podsByNs = state.podsByNs;
    private final Map<String, Set<String>> podsByNode = state.podsByNode;
    private final Map<String, Service> services = state.services;
    private final Map<String, ServiceEntry> serviceEntries = state.serviceEntries;
    private final Map<String, Set<String>> serviceEntriesByNs = state.serviceEntriesByNs;
    private final Map<String, WorkloadEntry> workloadEntries = state.workloadEntries;
    private final Map<String, Set<String>> workloadEntriesByNs = state.workloadEntriesByNs;
    private final Map<String, Gateway> gateways = state.gateways;
    private final Map<String, Map<String, String>> gatewayClassLabels = state.gatewayClassLabels;
    private final Map<String, Set<String>> slicePods = state.slicePods;
    private final Map<String, String> sliceService = state.sliceService;
    private final Map<String, Set<String>> slicesByPod = state.slicesByPod;
    private final Map<String, Set<String>> slicesByService = state.slicesByService;
    private final Map<String, AuthorizationPolicy> authzPolicies = state.authzPolicies;
    private final Map<String, PeerAuthentication> peerAuths = state.peerAuths;
    private final Map<String, Set<String>> peerAuthsByNs = state.peerAuthsByNs;
    private final Map<String, Waypoint> waypoints = state.waypoints;
    private final Map<String, List<ServiceInfo>> serviceInfosBySource = state.serviceInfosBySource;

    private final Map<String, PolicyStatus> lastStatus = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentSkipListMap<>();

    // ---- outputs
    private final AddressAliases aliases = new AddressAliases();
    private final OutputTable addresses = new OutputTable(aliases, AddressAliases::of);
    private final OutputTable authorizations = new OutputTable();
    private final L7Output l7 = new L7Output();
    /** Pod {@code ns/name} → the Gateway it is an instance of; read by xDS streams to know which waypoint they are. */
    private final Map<String, String> podGateway = new ConcurrentHashMap<>();

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
        this.bindings = new BindingReporter(statusSink);
        this.assembler = new WorkloadAssembler(state, mesh);
    }

    public MeshSettings mesh() {
        return mesh;
    }

    @Override
    public Map<String, XdsResource> snapshot(String typeUrl) {
        return switch (typeUrl) {
            case TypeUrls.ADDRESS -> addresses.snapshot();
            case TypeUrls.AUTHORIZATION -> authorizations.snapshot();
            case TypeUrls.L7_POLICY -> l7.policies.snapshot();
            case TypeUrls.HTTP_ROUTE -> l7.routes.snapshot();
            default -> Map.of();
        };
    }

    @Override
    public java.util.Optional<String> waypointOfPod(String podNamespace, String podName) {
        String gw = podGateway.get(podNamespace + "/" + podName);
        return gw == null ? java.util.Optional.empty() : java.util.Optional.of(podNamespace + "/" + gw);
    }

    @Override
    public void subscribe(Consumer<ResourceDelta> listener) {
        listeners.add(listener);
    }

    /**
     * On-demand lookup: the Address resource names an alias ({@code <network>/<ip>} or
     * {@code <network>/<ip>/<len>}) refers to. For a Service VIP that is the Service and its current member
     * workloads; for a pod IP every workload with that IP (a Pod and a WorkloadEntry may share one).
     */
    public Set<String> lookup(String alias) {
        return aliases.lookup(alias);
    }

    /**
     * On-demand resolution as upstream's address lookup does it: a Workload uid stands for itself, a
     * Service name ({@code ns/hostname}) for the Service and its current member workloads, anything else is
     * tried as an alias ({@link #lookup}). Authorization names stand for themselves.
     */
    @Override
    public Set<String> resolve(String typeUrl, String name) {
        if (!TypeUrls.ADDRESS.equals(typeUrl)) {
            return ResourceSource.super.resolve(typeUrl, name);
        }
        XdsResource r = addresses.get(name);
        if (r == null) {
            return lookup(name);
        }
        return aliases.withMembers(name);
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
                failed(describe(e.object()), ex);
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
        drain(deltas, TypeUrls.L7_POLICY, l7.policies);
        drain(deltas, TypeUrls.HTTP_ROUTE, l7.routes);
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

    private static void drain(List<ResourceDelta> deltas, String typeUrl, OutputTable table) {
        var p = table.drain();
        if (!p.upserts().isEmpty() || !p.removals().isEmpty()) {
            deltas.add(new ResourceDelta(typeUrl, List.copyOf(p.upserts().values()), p.removals()));
        }
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
                l7.bindingsChanged();
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
                if (old != null) {
                    state.podsByLabel.remove(ns, k, old.getMetadata().getLabels());
                }
                if (!del) {
                    state.podsByLabel.add(ns, k, p.getMetadata().getLabels());
                }
                put(pods, k, p, del);
                index(podsByNs, ns, k, del);
                dirtyPods.add(k);
                String node = nodeOf(p);
                String oldNode = old == null ? null : nodeOf(old);
                if (old != null && !Objects.equals(oldNode, node)) {
                    index(podsByNode, oldNode, k, true);
                }
                index(podsByNode, node, k, del);
                String gw = gatewayInstanceOf(p);
                String oldGw = old == null ? null : gatewayInstanceOf(old);
                if (gw == null || del) {
                    podGateway.remove(k);
                } else {
                    podGateway.put(k, gw);
                }
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
                l7.serviceChanged("Service/" + k);
            }
            case EndpointSlice es -> ingestEndpointSlice(k, es, del);
            case ServiceEntry se -> {
                put(serviceEntries, k, se, del);
                l7.serviceChanged("ServiceEntry/" + k);
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
            case GatewayClass gc -> {
                String name = gc.getMetadata().getName();
                Map<String, String> labels =
                        del ? null : Selectors.orEmpty(gc.getMetadata().getLabels());
                if (!Objects.equals(labels, gatewayClassLabels.get(name))) {
                    put(gatewayClassLabels, name, labels, del);
                    // Every Gateway of the class may change its default traffic type.
                    for (var g : gateways.entrySet()) {
                        if (g.getValue().getSpec() != null
                                && name.equals(g.getValue().getSpec().gatewayClassName)) {
                            dirtyGateways.add(g.getKey());
                        }
                    }
                }
            }
            case AuthorizationPolicy ap -> {
                put(authzPolicies, k, ap, del);
                if (e.invalid() != null) {
                    Long gen = ap.getMetadata().getGeneration();
                    invalidPolicies.put(
                            k, new PolicyStatus(false, MALFORMED_REASON, e.invalid(), gen == null ? 0 : gen));
                } else {
                    invalidPolicies.remove(k);
                }
                dirtyPolicies.add(k);
                l7.policyChanged(k, del || e.invalid() != null ? null : ap);
            }
            case HTTPRoute r -> l7.route(k, e.invalid() == null ? r : null, del || e.invalid() != null);
            case PeerAuthentication pa -> {
                put(peerAuths, k, pa, del);
                index(peerAuthsByNs, ns, k, del);
                dirtyPeerAuthNs.add(ns);
            }
            default -> LOG.log(System.Logger.Level.DEBUG, "ignoring unsupported kind " + o.getKind());
        }
    }

    /**
     * Upstream matches Services without a selector to pods through the EndpointSlices that reference them
     * ({@code targetRef} kind Pod); only that mapping is kept here.
     */
    private void ingestEndpointSlice(String k, EndpointSlice es, boolean del) {
        String ns = es.getMetadata().getNamespace();
        Set<String> old = slicePods.getOrDefault(k, Set.of());
        String oldService = sliceService.get(k);
        String svcName = Selectors.orEmpty(es.getMetadata().getLabels()).get("kubernetes.io/service-name");
        Set<String> next = new HashSet<>();
        if (!del && svcName != null && es.getEndpoints() != null) {
            for (var ep : es.getEndpoints()) {
                var ref = ep.getTargetRef();
                if (ref != null && "Pod".equals(ref.getKind()) && ref.getName() != null) {
                    next.add((ref.getNamespace() == null ? ns : ref.getNamespace()) + "/" + ref.getName());
                }
            }
        }
        for (String pk : old) {
            index(slicesByPod, pk, k, true);
        }
        if (oldService != null) {
            index(slicesByService, oldService, k, true);
        }
        if (next.isEmpty()) {
            slicePods.remove(k);
            sliceService.remove(k);
        } else {
            slicePods.put(k, next);
            sliceService.put(k, ns + "/" + svcName);
            index(slicesByService, ns + "/" + svcName, k, false);
            for (String pk : next) {
                index(slicesByPod, pk, k, false);
            }
        }
        dirtyPods.addAll(old);
        dirtyPods.addAll(next);
    }

    /** The pod's node, or null (also when the object cannot be read: it then fails alone, later). */
    private static String nodeOf(Pod p) {
        try {
            return p.getSpec() == null ? null : p.getSpec().getNodeName();
        } catch (RuntimeException e) {
            return null;
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
        l7.recompute(services, serviceEntries, namespaces, waypoints, mesh, errors);
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
                String className = g.getSpec() == null ? null : g.getSpec().gatewayClassName;
                Map<String, String> classLabels =
                        className == null ? Map.of() : gatewayClassLabels.getOrDefault(className, Map.of());
                next = Waypoints.fromGateway(
                                g, classLabels, sas.stream().distinct().toList(), mesh.network())
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
        l7.bindingsChanged();
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
                .setName(WorkloadAssembler.implicitWaypointPolicyName(w))
                .setNamespace(w.namespace())
                .setScope(Scope.WORKLOAD_SELECTOR)
                .setAction(Action.ALLOW)
                .addRules(Rule.newBuilder().addClauses(Clause.newBuilder().addMatches(m)))
                .build();
        authorizations.replace(source, Map.of(w.namespace() + "/" + a.getName(), a));
    }

    /** Writes {@code istio.io/WaypointBound} for a WorkloadEntry when it changed. */
    private void reportWorkloadEntryBinding(String k, WorkloadEntry we) {
        String ns = k.substring(0, k.indexOf('/'));
        String name = k.substring(k.indexOf('/') + 1);
        if (we == null || we.getSpec() == null) {
            bindings.forget(BindingStatus.Target.WORKLOAD_ENTRY, ns, name);
            return;
        }
        var meta = new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(we.getMetadata())
                .withLabels(WorkloadAssembler.workloadEntryLabels(we))
                .build();
        bindings.report(
                BindingStatus.Target.WORKLOAD_ENTRY,
                ns,
                name,
                Waypoints.workloadCondition(meta, nsLabels(ns), waypoints),
                carriesBindingCondition(we.getStatus()));
    }

    /** Writes {@code istio.io/WaypointBound} for a Service or ServiceEntry when it changed. */
    private void reportServiceBinding(String kind, String k, String ns) {
        String name = k.substring(k.indexOf('/') + 1);
        Map<String, String> nsLabels = nsLabels(ns);
        if (kind.equals("Service")) {
            Service s = services.get(k);
            if (s == null) {
                bindings.forget(BindingStatus.Target.SERVICE, ns, name);
                return;
            }
            boolean carries = s.getStatus() != null
                    && s.getStatus().getConditions() != null
                    && s.getStatus().getConditions().stream()
                            .anyMatch(c -> BindingStatus.CONDITION_TYPE.equals(c.getType()));
            bindings.report(
                    BindingStatus.Target.SERVICE,
                    ns,
                    name,
                    Waypoints.serviceCondition(s.getMetadata(), nsLabels, waypoints),
                    carries);
        } else {
            ServiceEntry se = serviceEntries.get(k);
            if (se == null) {
                bindings.forget(BindingStatus.Target.SERVICE_ENTRY, ns, name);
                return;
            }
            bindings.report(
                    BindingStatus.Target.SERVICE_ENTRY,
                    ns,
                    name,
                    Waypoints.serviceCondition(se.getMetadata(), nsLabels, waypoints),
                    carriesBindingCondition(se.getStatus()));
        }
    }

    private static boolean carriesBindingCondition(io.ambient4j.istiod.kube.crd.IstioStatus status) {
        return status != null
                && status.conditions != null
                && status.conditions.stream().anyMatch(c -> BindingStatus.CONDITION_TYPE.equals(c.type));
    }

    private Map<String, String> nsLabels(String ns) {
        Namespace n = namespaces.get(ns);
        return n == null ? Map.of() : Selectors.orEmpty(n.getMetadata().getLabels());
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
                            : ServiceTranslator.fromServiceEntry(se, namespaces.get(ns), waypoints, mesh, vips);
                    Set<String> keep = new HashSet<>();
                    next.forEach(si -> keep.add(k + "/" + si.service().getHostname()));
                    vips.retainOnly(k + "/", keep);
                }
                errors.remove(source);
            } catch (TranslationException ex) {
                errors.put(source, ex.reason() + ": " + ex.getMessage());
                LOG.log(System.Logger.Level.WARNING, ex.getMessage());
                next = List.of();
            } catch (RuntimeException ex) {
                next = List.of();
                failed(source, ex);
            }
            reportServiceBinding(kind, k, ns);
            List<ServiceInfo> prev = next.isEmpty()
                    ? Objects.requireNonNullElse(serviceInfosBySource.remove(source), List.of())
                    : Objects.requireNonNullElse(serviceInfosBySource.put(source, next), List.of());
            for (ServiceInfo si : prev) {
                state.servicesBySelector.remove(ns, source + "|" + si.service().getHostname());
            }
            for (ServiceInfo si : next) {
                state.servicesBySelector.put(ns, source + "|" + si.service().getHostname(), si.selector(), si);
            }
            for (ServiceInfo si : prev) {
                dirtyHosts.add(si.service().getHostname());
                Map<String, ServiceInfo> sameHost = infosByHost.get(si.service().getHostname());
                if (sameHost != null) {
                    sameHost.remove(source);
                    if (sameHost.isEmpty()) {
                        infosByHost.remove(si.service().getHostname());
                    }
                }
            }
            for (ServiceInfo si : next) {
                dirtyHosts.add(si.service().getHostname());
                infosByHost
                        .computeIfAbsent(si.service().getHostname(), h -> new HashMap<>())
                        .put(source, si);
            }
            if (!membershipEquals(prev, next)) {
                markSelected(ns, prev);
                markSelected(ns, next);
                if (kind.equals("ServiceEntry")) {
                    dirtyServiceEntryWorkloads.add(k);
                }
            }
        }
        dirtyServiceSources.clear();
        for (String host : dirtyHosts) {
            Map<String, ServiceInfo> sameHost = infosByHost.getOrDefault(host, Map.of());
            Map<String, Address> out = new LinkedHashMap<>();
            ServiceTranslator.selectByHostname(List.copyOf(sameHost.values()))
                    .forEach((name, svc) ->
                            out.put(name, Address.newBuilder().setService(svc).build()));
            addresses.replace("Host/" + host, out);
        }
        dirtyHosts.clear();
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
                if (!si.fromServiceEntry()) {
                    for (String slice :
                            slicesByService.getOrDefault(ns + "/" + si.service().getName(), Set.of())) {
                        dirtyPods.addAll(slicePods.getOrDefault(slice, Set.of()));
                    }
                }
                continue;
            }
            markPodsSelected(ns, si.selector());
            for (String wk : workloadEntriesByNs.getOrDefault(ns, Set.of())) {
                if (Selectors.subsetOf(si.selector(), WorkloadAssembler.workloadEntryLabels(workloadEntries.get(wk)))) {
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
            AuthorizationConverter.Converted next;
            try {
                next = ap == null ? null : AuthorizationConverter.convert(ap, mesh);
                errors.remove("AuthorizationPolicy/" + k);
            } catch (RuntimeException ex) {
                failed("AuthorizationPolicy/" + k, ex);
                next = new AuthorizationConverter.Converted(
                        null,
                        new AuthorizationConverter.Message(
                                PolicyStatus.REASON_UNSUPPORTED, "policy could not be translated: " + ex),
                        Map.of());
            }
            AuthorizationConverter.Converted prev =
                    next == null ? state.convertedPolicies.remove(k) : state.convertedPolicies.put(k, next);
            boolean prevAttached = prev != null
                    && prev.authorization() != null
                    && !prev.selector().isEmpty();
            boolean nextAttached = next != null
                    && next.authorization() != null
                    && !next.selector().isEmpty();
            if (nextAttached) {
                state.policiesBySelector.put(ns, k, next.selector(), next);
            } else {
                state.policiesBySelector.remove(ns, k);
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
                    ? invalidPolicies.get(k)
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
                if (ap != null || invalidPolicies.containsKey(k)) {
                    statusSink.policyStatus(ns, name, status);
                }
            }
        }
        dirtyPolicies.clear();
    }

    private void markSelectedByPolicy(String ns, Map<String, String> selector) {
        if (ns.equals(mesh.rootNamespace())) {
            for (String podNs : state.podsByLabel.namespaces()) {
                markPodsSelected(podNs, selector);
            }
            for (var e : workloadEntries.entrySet()) {
                if (Selectors.subsetOf(selector, WorkloadAssembler.workloadEntryLabels(e.getValue()))) {
                    dirtyWorkloadEntries.add(e.getKey());
                }
            }
            dirtyServiceEntryWorkloads.addAll(serviceEntries.keySet());
            return;
        }
        markPodsSelected(ns, selector);
        for (String wk : workloadEntriesByNs.getOrDefault(ns, Set.of())) {
            if (Selectors.subsetOf(selector, WorkloadAssembler.workloadEntryLabels(workloadEntries.get(wk)))) {
                dirtyWorkloadEntries.add(wk);
            }
        }
        dirtyServiceEntryWorkloads.addAll(serviceEntriesByNs.getOrDefault(ns, Set.of()));
    }

    /** Marks the pods of {@code ns} that the non-empty {@code selector} picks, via the label index. */
    private void markPodsSelected(String ns, Map<String, String> selector) {
        for (String pk : state.podsByLabel.candidates(ns, selector)) {
            if (Selectors.subsetOf(selector, pods.get(pk).getMetadata().getLabels())) {
                dirtyPods.add(pk);
            }
        }
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
            addresses.replace("Pod/" + k, guarded("Pod/" + k, () -> {
                Workload w = p == null ? null : assembler.buildPod(p);
                return w == null
                        ? Map.of()
                        : Map.of(w.getUid(), Address.newBuilder().setWorkload(w).build());
            }));
        }
        dirtyPods.clear();
        for (String k : dirtyWorkloadEntries) {
            WorkloadEntry we = workloadEntries.get(k);
            reportWorkloadEntryBinding(k, we);
            addresses.replace("WorkloadEntry/" + k, guarded("WorkloadEntry/" + k, () -> {
                if (we == null || we.getSpec() == null) {
                    return Map.of();
                }
                Workload w = assembler.buildWorkloadEntry(we);
                return Map.of(w.getUid(), Address.newBuilder().setWorkload(w).build());
            }));
        }
        dirtyWorkloadEntries.clear();
        for (String k : dirtyServiceEntryWorkloads) {
            ServiceEntry se = serviceEntries.get(k);
            addresses.replace("ServiceEntryWorkloads/" + k, guarded("ServiceEntryWorkloads/" + k, () -> {
                Map<String, Address> out = new LinkedHashMap<>();
                if (se != null && se.getSpec() != null) {
                    for (Workload w : assembler.buildServiceEntryWorkloads(se)) {
                        out.put(w.getUid(), Address.newBuilder().setWorkload(w).build());
                    }
                }
                return out;
            }));
        }
        dirtyServiceEntryWorkloads.clear();
    }

    /**
     * Runs one object's translation; an unexpected failure withdraws that object's output and is recorded,
     * so one odd object never stops the rest of the batch.
     */
    private Map<String, Address> guarded(String object, java.util.function.Supplier<Map<String, Address>> build) {
        try {
            Map<String, Address> out = build.get();
            errors.remove(object);
            return out;
        } catch (RuntimeException ex) {
            failed(object, ex);
            return Map.of();
        }
    }

    private void failed(String object, RuntimeException ex) {
        errors.put(object, "TRANSLATION_FAILED: " + ex);
        LOG.log(System.Logger.Level.WARNING, "cannot translate " + object, ex);
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
        m.put("httpRoutes", l7.routeCount());
        m.put("l7PolicyResources", l7.policies.size());
        m.put("httpRouteResources", l7.routes.size());
        return m;
    }

    /** Ready waypoints by {@code ns/name} (a copy). */
    public Map<String, Waypoint> waypoints() {
        return Map.copyOf(waypoints);
    }

    /** Current {@code istio.io/WaypointBound} conditions by {@code TARGET/ns/name} (a copy). */
    public Map<String, BindingStatus> bindingStatuses() {
        return bindings.snapshot();
    }

    /** AuthorizationPolicy conditions by {@code ns/name} (a copy). */
    public Map<String, PolicyStatus> policyStatuses() {
        return Map.copyOf(lastStatus);
    }
}
