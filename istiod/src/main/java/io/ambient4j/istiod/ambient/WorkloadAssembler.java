package io.ambient4j.istiod.ambient;

import io.ambient4j.api.workload.Locality;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntrySpec;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gathers, from the index state, what one workload's translation needs (selecting Services, policies,
 * waypoint, locality) and calls the pure {@link WorkloadTranslator}. Writer thread only.
 */
final class WorkloadAssembler {
    private final MeshSettings mesh;
    private final IndexState state;
    private final Map<String, Namespace> namespaces;
    private final Map<String, Locality> nodeLocality;
    private final Map<String, String> sliceService;
    private final Map<String, Set<String>> slicesByPod;
    private final Map<String, PeerAuthentication> peerAuths;
    private final Map<String, Set<String>> peerAuthsByNs;
    private final Map<String, Waypoint> waypoints;
    private final Map<String, List<ServiceInfo>> serviceInfosBySource;

    WorkloadAssembler(IndexState state, MeshSettings mesh) {
        this.mesh = mesh;
        this.namespaces = state.namespaces;
        this.nodeLocality = state.nodeLocality;
        this.sliceService = state.sliceService;
        this.slicesByPod = state.slicesByPod;
        this.peerAuths = state.peerAuths;
        this.peerAuthsByNs = state.peerAuthsByNs;
        this.waypoints = state.waypoints;
        this.serviceInfosBySource = state.serviceInfosBySource;
        this.state = state;
    }

    /** Selector-less Services that list this pod in one of their EndpointSlices, not already selected. */
    private List<ServiceInfo> endpointSliceServices(String podKey, List<ServiceInfo> alreadySelected) {
        Set<String> slices = slicesByPod.get(podKey);
        if (slices == null) {
            return alreadySelected;
        }
        Set<String> seen = new HashSet<>();
        alreadySelected.forEach(si -> seen.add(si.key()));
        List<ServiceInfo> out = new ArrayList<>(alreadySelected);
        for (String slice : new TreeSet<>(slices)) {
            for (ServiceInfo si : serviceInfosBySource.getOrDefault("Service/" + sliceService.get(slice), List.of())) {
                if (seen.add(si.key())) {
                    out.add(si);
                }
            }
        }
        return out;
    }

    private Map<String, String> nsLabels(String ns) {
        Namespace n = namespaces.get(ns);
        return n == null ? Map.of() : Selectors.orEmpty(n.getMetadata().getLabels());
    }

    Workload buildPod(Pod p) {
        if (WorkloadTranslator.hasNoWorkload(p)) {
            return null;
        }
        var meta = p.getMetadata();
        String ns = meta.getNamespace();
        Map<String, String> labels = Selectors.orEmpty(meta.getLabels());
        List<ServiceInfo> selecting =
                endpointSliceServices(ns + "/" + meta.getName(), selectingServices(ns, labels, true));
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

    static Map<String, String> workloadEntryLabels(WorkloadEntry we) {
        Map<String, String> merged =
                new HashMap<>(Selectors.orEmpty(we.getMetadata().getLabels()));
        if (we.getSpec() != null) {
            merged.putAll(Selectors.orEmpty(we.getSpec().labels));
        }
        return merged;
    }

    Workload buildWorkloadEntry(WorkloadEntry we) {
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

    List<Workload> buildServiceEntryWorkloads(ServiceEntry se) {
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
        List<ServiceInfo> out = new ArrayList<>();
        for (ServiceInfo si : state.servicesBySelector.matching(ns, labels).values()) {
            if (includeEntries || !si.fromServiceEntry()) {
                out.add(si);
            }
        }
        return out;
    }

    /** {@code Workload.authorization_policies}: selector policies, PeerAuthentication keys, waypoint allows. */
    private List<String> workloadPolicies(
            String ns, Map<String, String> labels, Waypoint waypoint, List<ServiceInfo> selecting) {
        TreeSet<String> selected = new TreeSet<>();
        for (String policyNs : ns.equals(mesh.rootNamespace()) ? List.of(ns) : List.of(ns, mesh.rootNamespace())) {
            selected.addAll(state.policiesBySelector.matching(policyNs, labels).keySet());
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

    static String implicitWaypointPolicyName(Waypoint w) {
        return "istio_allow_waypoint_" + w.namespace() + "_" + w.name();
    }
}
