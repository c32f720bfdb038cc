package io.ambient4j.istiod.ambient;

import io.ambient4j.api.workload.Locality;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the index knows, as plain maps plus the lookups (by namespace, node, EndpointSlice, selector
 * scope) that keep one event's recomputation small. Owned by the index's writer thread; {@link #waypoints}
 * is concurrent because debug readers copy it.
 */
final class IndexState {
    // ---- inputs (writer thread only)
    final Map<String, Namespace> namespaces = new HashMap<>();
    final Map<String, Locality> nodeLocality = new HashMap<>();
    final Map<String, Pod> pods = new HashMap<>();
    final Map<String, Set<String>> podsByNs = new HashMap<>();
    final Map<String, Set<String>> podsByNode = new HashMap<>();
    final Map<String, Service> services = new HashMap<>();
    final Map<String, ServiceEntry> serviceEntries = new HashMap<>();
    final Map<String, Set<String>> serviceEntriesByNs = new HashMap<>();
    final Map<String, WorkloadEntry> workloadEntries = new HashMap<>();
    final Map<String, Set<String>> workloadEntriesByNs = new HashMap<>();
    final Map<String, Gateway> gateways = new HashMap<>();
    /** GatewayClass name → its labels (the default {@code istio.io/waypoint-for} lives there). */
    final Map<String, Map<String, String>> gatewayClassLabels = new HashMap<>();
    /** EndpointSlice key → the pods ({@code ns/name}) it references, for Services without a selector. */
    final Map<String, Set<String>> slicePods = new HashMap<>();
    /** EndpointSlice key → its Service ({@code ns/name}). */
    final Map<String, String> sliceService = new HashMap<>();

    final Map<String, Set<String>> slicesByPod = new HashMap<>();
    final Map<String, Set<String>> slicesByService = new HashMap<>();
    final Map<String, AuthorizationPolicy> authzPolicies = new HashMap<>();
    final Map<String, PeerAuthentication> peerAuths = new HashMap<>();
    final Map<String, Set<String>> peerAuthsByNs = new HashMap<>();

    // ---- derived
    final Map<String, Waypoint> waypoints = new ConcurrentHashMap<>();
    final Map<String, List<ServiceInfo>> serviceInfosBySource = new HashMap<>();
    /** Services and ServiceEntry hosts that select workloads, by namespace and selector anchor. */
    final SelectorIndex<ServiceInfo> servicesBySelector = new SelectorIndex<>();

    final Map<String, AuthorizationConverter.Converted> convertedPolicies = new HashMap<>();
    /** Policies that attach through a non-empty selector, by namespace and selector anchor. */
    final SelectorIndex<AuthorizationConverter.Converted> policiesBySelector = new SelectorIndex<>();
    /** Pods by namespace and label pair: the candidates a selector can pick. */
    final LabelIndex podsByLabel = new LabelIndex();
}
