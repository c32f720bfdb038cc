package io.ambient4j.ztunnel.state;

import io.ambient4j.ztunnel.rbac.Authorization;
import io.ambient4j.ztunnel.rbac.PolicyScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One immutable snapshot of everything ztunnel knows from xDS, with the indexes the data path needs: workloads by
 * uid and by network/IP, services by {@code <ns>/<hostname>}, by hostname and by VIP, endpoints per service, and
 * policies by name and namespace. Readers take a snapshot from {@link StateUpdater#current()} and never lock; only
 * {@link StateUpdater} makes new snapshots.
 */
public final class ProxyState {
    static final ProxyState EMPTY = new ProxyState(
            0,
            ShardedMap.empty(),
            ShardedMap.empty(),
            ShardedMap.empty(),
            ShardedMap.empty(),
            ShardedMap.empty(),
            ShardedMap.empty(),
            ShardedMap.empty(),
            ShardedMap.empty(),
            Set.of());

    private final long version;
    private final ShardedMap<String, Workload> workloadsByUid;
    private final ShardedMap<NetworkAddress, Workload> workloadsByAddress;
    private final ShardedMap<String, Service> servicesByKey;
    private final ShardedMap<NetworkAddress, List<Service>> servicesByVip;
    private final ShardedMap<String, List<Service>> servicesByHost;
    private final ShardedMap<String, Map<String, Endpoint>> endpointsByService;
    private final ShardedMap<String, Authorization> policiesByKey;
    private final ShardedMap<String, Set<String>> namespacePolicies;
    private final Set<String> globalPolicies;

    private ProxyState(
            long version,
            ShardedMap<String, Workload> workloadsByUid,
            ShardedMap<NetworkAddress, Workload> workloadsByAddress,
            ShardedMap<String, Service> servicesByKey,
            ShardedMap<NetworkAddress, List<Service>> servicesByVip,
            ShardedMap<String, List<Service>> servicesByHost,
            ShardedMap<String, Map<String, Endpoint>> endpointsByService,
            ShardedMap<String, Authorization> policiesByKey,
            ShardedMap<String, Set<String>> namespacePolicies,
            Set<String> globalPolicies) {
        this.version = version;
        this.workloadsByUid = workloadsByUid;
        this.workloadsByAddress = workloadsByAddress;
        this.servicesByKey = servicesByKey;
        this.servicesByVip = servicesByVip;
        this.servicesByHost = servicesByHost;
        this.endpointsByService = endpointsByService;
        this.policiesByKey = policiesByKey;
        this.namespacePolicies = namespacePolicies;
        this.globalPolicies = globalPolicies;
    }

    /** Increases with every applied batch; 0 for the empty state. */
    public long version() {
        return version;
    }

    public Optional<Workload> workload(String uid) {
        return Optional.ofNullable(workloadsByUid.get(uid));
    }

    /** The workload with this IP on this network (HOST_NETWORK workloads are not indexed). */
    public Optional<Workload> workloadByAddress(NetworkAddress address) {
        return Optional.ofNullable(workloadsByAddress.get(address));
    }

    /** A service by its resource name {@code <namespace>/<hostname>}. */
    public Optional<Service> service(String key) {
        return Optional.ofNullable(servicesByKey.get(key));
    }

    public Optional<Service> service(NamespacedHostname name) {
        return service(name.key());
    }

    /**
     * The service owning a VIP. Several services may share one (ServiceEntries in different namespaces); those not
     * visible to the client's namespace are dropped, then the client's namespace wins, then a {@code canonical} one.
     */
    public Optional<Service> serviceByVip(NetworkAddress vip, Optional<String> clientNamespace) {
        return best(servicesByVip.getOrDefault(vip, List.of()), clientNamespace);
    }

    /** The best service for a hostname, with the same preference as {@link #serviceByVip}. */
    public Optional<Service> serviceByHostname(String hostname, Optional<String> clientNamespace) {
        return best(servicesByHost.getOrDefault(hostname, List.of()), clientNamespace);
    }

    /** Every service with this hostname, in arrival order, unfiltered (the DNS proxy applies its own filters). */
    public List<Service> servicesForHostname(String hostname) {
        return servicesByHost.getOrDefault(hostname, List.of());
    }

    private static Optional<Service> best(List<Service> candidates, Optional<String> ns) {
        List<Service> visible = candidates.stream()
                .filter(s -> ns.map(s::visibleTo).orElse(true))
                .toList();
        if (ns.isPresent()) {
            for (Service s : visible) {
                if (s.namespace().equals(ns.get())) {
                    return Optional.of(s);
                }
            }
        }
        return visible.stream()
                .filter(Service::canonical)
                .findFirst()
                .or(() -> visible.stream().findFirst());
    }

    /** Workload first, then service: a pod IP wins over a VIP that happens to equal it. */
    public Optional<Address> findAddress(NetworkAddress address, Optional<String> clientNamespace) {
        Optional<Address> wl = workloadByAddress(address).map(w -> w);
        return wl.or(() -> serviceByVip(address, clientNamespace).map(s -> s));
    }

    /** Service first, then a workload with that hostname in that namespace (DNS-resolved ServiceEntry endpoints). */
    public Optional<Address> findHostname(NamespacedHostname name) {
        Optional<Address> svc = service(name).map(s -> s);
        return svc.or(() -> workloadsByUid.values().stream()
                .filter(w ->
                        w.hostname().equals(name.hostname()) && w.namespace().equals(name.namespace()))
                .min(Comparator.comparing(Workload::uid))
                .map(w -> w));
    }

    /** Endpoints of a service, healthy or not (callers filter with {@link Service#includes}). */
    public Collection<Endpoint> endpoints(String serviceKey) {
        return endpointsByService.getOrDefault(serviceKey, Map.of()).values();
    }

    public Optional<Authorization> policy(String key) {
        return Optional.ofNullable(policiesByKey.get(key));
    }

    /**
     * The policies that apply to a destination workload: NAMESPACE-scoped policies of its namespace, all GLOBAL
     * policies, and the selector policies it lists by name (names not (yet) known are skipped).
     */
    public List<Authorization> applicablePolicies(Workload destination) {
        List<Authorization> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String k : namespacePolicies.getOrDefault(destination.namespace(), Set.of())) {
            add(out, seen, k);
        }
        for (String k : globalPolicies) {
            add(out, seen, k);
        }
        for (String k : destination.authorizationPolicies()) {
            add(out, seen, k);
        }
        return out;
    }

    private void add(List<Authorization> out, Set<String> seen, String key) {
        Authorization p = policiesByKey.get(key);
        if (p != null && seen.add(key)) {
            out.add(p);
        }
    }

    /** All workloads sorted by uid (config dump order). */
    public List<Workload> workloads() {
        return workloadsByUid.values().stream()
                .sorted(Comparator.comparing(Workload::uid))
                .toList();
    }

    /** All services sorted by resource name. */
    public List<Service> services() {
        return servicesByKey.values().stream()
                .sorted(Comparator.comparing(Service::resourceName))
                .toList();
    }

    /** All policies sorted by key. */
    public List<Authorization> policies() {
        return policiesByKey.values().stream()
                .sorted(Comparator.comparing(Authorization::key))
                .toList();
    }

    /** Mutable copy used only by the single writer; {@link #freeze} publishes it. */
    Mutable mutate() {
        return new Mutable(this);
    }

    /** The writer's working copy. Only the shards a batch touches are copied. */
    static final class Mutable {
        private final long baseVersion;
        private final ShardedMap.Builder<String, Workload> workloadsByUid;
        private final ShardedMap.Builder<NetworkAddress, Workload> workloadsByAddress;
        private final ShardedMap.Builder<String, Service> servicesByKey;
        private final ShardedMap.Builder<NetworkAddress, List<Service>> servicesByVip;
        private final ShardedMap.Builder<String, List<Service>> servicesByHost;
        private final ShardedMap.Builder<String, Map<String, Endpoint>> endpointsByService;
        private final ShardedMap.Builder<String, Authorization> policiesByKey;
        private final ShardedMap.Builder<String, Set<String>> namespacePolicies;
        private final Set<String> globalPolicies;

        private Mutable(ProxyState base) {
            this.baseVersion = base.version;
            this.workloadsByUid = base.workloadsByUid.toBuilder();
            this.workloadsByAddress = base.workloadsByAddress.toBuilder();
            this.servicesByKey = base.servicesByKey.toBuilder();
            this.servicesByVip = base.servicesByVip.toBuilder();
            this.servicesByHost = base.servicesByHost.toBuilder();
            this.endpointsByService = base.endpointsByService.toBuilder();
            this.policiesByKey = base.policiesByKey.toBuilder();
            this.namespacePolicies = base.namespacePolicies.toBuilder();
            this.globalPolicies = new HashSet<>(base.globalPolicies);
        }

        void upsertWorkload(Workload w) {
            removeWorkload(w.uid());
            workloadsByUid.put(w.uid(), w);
            if (!w.hostNetwork()) {
                for (var ip : w.addresses()) {
                    workloadsByAddress.put(new NetworkAddress(w.network(), ip), w);
                }
            }
            w.services().forEach((svc, ports) -> {
                Map<String, Endpoint> eps = new HashMap<>(endpointsByService.getOrDefault(svc, Map.of()));
                eps.put(w.uid(), new Endpoint(w.uid(), ports, w.healthy()));
                endpointsByService.put(svc, Map.copyOf(eps));
            });
        }

        /** Returns whether a workload with that uid existed. */
        boolean removeWorkload(String uid) {
            Workload old = workloadsByUid.remove(uid);
            if (old == null) {
                return false;
            }
            for (var ip : old.addresses()) {
                workloadsByAddress.remove(new NetworkAddress(old.network(), ip), old);
            }
            for (String svc : old.services().keySet()) {
                Map<String, Endpoint> eps = new HashMap<>(endpointsByService.getOrDefault(svc, Map.of()));
                eps.remove(uid);
                if (eps.isEmpty()) {
                    endpointsByService.remove(svc);
                } else {
                    endpointsByService.put(svc, Map.copyOf(eps));
                }
            }
            return true;
        }

        void upsertService(Service s) {
            removeService(s.resourceName());
            servicesByKey.put(s.resourceName(), s);
            for (NetworkAddress vip : s.vips()) {
                servicesByVip.put(vip, appended(servicesByVip.get(vip), s));
            }
            servicesByHost.put(s.hostname(), appended(servicesByHost.get(s.hostname()), s));
        }

        /** Returns whether a service with that key existed. */
        boolean removeService(String key) {
            Service old = servicesByKey.remove(key);
            if (old == null) {
                return false;
            }
            for (NetworkAddress vip : old.vips()) {
                putOrRemove(servicesByVip, vip, without(servicesByVip.get(vip), old));
            }
            putOrRemove(servicesByHost, old.hostname(), without(servicesByHost.get(old.hostname()), old));
            return true;
        }

        void upsertPolicy(Authorization p) {
            removePolicy(p.key());
            policiesByKey.put(p.key(), p);
            switch (p.scope()) {
                case GLOBAL -> globalPolicies.add(p.key());
                case NAMESPACE -> {
                    Set<String> s = new TreeSet<>(namespacePolicies.getOrDefault(p.namespace(), Set.of()));
                    s.add(p.key());
                    namespacePolicies.put(p.namespace(), Set.copyOf(s));
                }
                case WORKLOAD_SELECTOR -> {}
            }
        }

        boolean removePolicy(String key) {
            Authorization old = policiesByKey.remove(key);
            if (old == null) {
                return false;
            }
            if (old.scope() == PolicyScope.GLOBAL) {
                globalPolicies.remove(key);
            } else if (old.scope() == PolicyScope.NAMESPACE) {
                Set<String> s = new HashSet<>(namespacePolicies.getOrDefault(old.namespace(), Set.of()));
                s.remove(key);
                if (s.isEmpty()) {
                    namespacePolicies.remove(old.namespace());
                } else {
                    namespacePolicies.put(old.namespace(), Set.copyOf(s));
                }
            }
            return true;
        }

        private static List<Service> appended(List<Service> list, Service s) {
            List<Service> out = new ArrayList<>(list == null ? List.of() : list);
            out.add(s);
            return List.copyOf(out);
        }

        private static List<Service> without(List<Service> list, Service s) {
            return list == null
                    ? List.of()
                    : list.stream()
                            .filter(x -> !x.resourceName().equals(s.resourceName()))
                            .toList();
        }

        private static <K> void putOrRemove(ShardedMap.Builder<K, List<Service>> map, K key, List<Service> value) {
            if (value.isEmpty()) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
        }

        ProxyState freeze() {
            return new ProxyState(
                    baseVersion + 1,
                    workloadsByUid.build(),
                    workloadsByAddress.build(),
                    servicesByKey.build(),
                    servicesByVip.build(),
                    servicesByHost.build(),
                    endpointsByService.build(),
                    policiesByKey.build(),
                    namespacePolicies.build(),
                    Set.copyOf(globalPolicies));
        }
    }
}
