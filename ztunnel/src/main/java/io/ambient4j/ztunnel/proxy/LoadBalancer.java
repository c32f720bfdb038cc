package io.ambient4j.ztunnel.proxy;

import io.ambient4j.ztunnel.state.Endpoint;
import io.ambient4j.ztunnel.state.LoadBalancing;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Endpoint choice for a service (upstream {@code find_upstream} / {@code load_balance}): port and health filters,
 * locality ranking for STRICT and FAILOVER, then a random pick weighted by workload capacity.
 */
final class LoadBalancer {
    /** STANDARD requires the service port; WAYPOINT tolerates its absence for app-tunnel workloads. */
    enum Mode {
        STANDARD,
        WAYPOINT
    }

    /** What an address resolved to. */
    sealed interface Choice {
        /** A workload, the port to use on it, and the service it was chosen through. */
        record Parts(Workload workload, int port, Optional<Service> service) implements Choice {}

        /** PASSTHROUGH service: go to the original destination unchanged. */
        record OriginalDestination() implements Choice {}
    }

    private final ProxyState state;
    private final RandomSource random;

    LoadBalancer(ProxyState state, RandomSource random) {
        this.state = state;
        this.random = random;
    }

    /** Service VIP first (endpoint choice), then a workload IP; empty when the address is unknown. */
    Optional<Choice> findUpstream(String network, Workload source, InetSocketAddress addr, Mode mode) {
        NetworkAddress na = new NetworkAddress(network, addr.getAddress());
        Optional<Service> svc = state.serviceByVip(na, Optional.of(source.namespace()));
        if (svc.isPresent()) {
            boolean passthrough = svc.get()
                    .loadBalancing()
                    .map(l -> l.mode() == LoadBalancing.Mode.PASSTHROUGH)
                    .orElse(false);
            if (passthrough) {
                return Optional.of(new Choice.OriginalDestination());
            }
            return fromService(source, addr.getPort(), mode, svc.get());
        }
        return state.workloadByAddress(na).map(w -> new Choice.Parts(w, addr.getPort(), Optional.empty()));
    }

    /** Picks an endpoint and maps the service port to its target port (endpoint mapping first, then the service's). */
    Optional<Choice> fromService(Workload source, int svcPort, Mode mode, Service svc) {
        Optional<Candidate> picked = pick(source, svc, svcPort, mode);
        if (picked.isEmpty()) {
            return Optional.empty();
        }
        Endpoint ep = picked.get().endpoint();
        Workload wl = picked.get().workload();
        int svcTarget = svc.ports().getOrDefault(svcPort, 0);
        Integer epTarget = ep.ports().get(svcPort);
        int port;
        if (epTarget != null && epTarget > 0) {
            port = epTarget;
        } else if (svcTarget > 0) {
            port = svcTarget;
        } else if (wl.applicationTunnel().map(t -> t.port() > 0).orElse(false)) {
            port = svcPort;
        } else {
            return Optional.empty();
        }
        return Optional.of(new Choice.Parts(wl, port, Optional.of(svc)));
    }

    private record Candidate(Endpoint endpoint, Workload workload) {}

    private Optional<Candidate> pick(Workload src, Service svc, int svcPort, Mode mode) {
        Integer targetPort = svc.ports().get(svcPort);
        if (mode == Mode.STANDARD && targetPort == null) {
            return Optional.empty();
        }
        List<Candidate> eligible = new ArrayList<>();
        for (Endpoint ep : state.endpoints(svc.resourceName())) {
            Optional<Workload> found = state.workload(ep.workloadUid());
            if (found.isEmpty() || !svc.includes(ep)) {
                continue;
            }
            Workload wl = found.get();
            boolean inNetwork = wl.network().equals(src.network());
            boolean hasAddress = !wl.addresses().isEmpty() || !wl.hostname().isEmpty();
            // Without an IP a workload is reachable only through a gateway of another network.
            if (!hasAddress && (inNetwork || wl.networkGateway().isEmpty())) {
                continue;
            }
            if (mode == Mode.STANDARD && targetPort == 0 && !ep.ports().containsKey(svcPort)) {
                continue;
            }
            if (mode == Mode.WAYPOINT
                    && targetPort == null
                    && wl.applicationTunnel().isEmpty()) {
                continue;
            }
            eligible.add(new Candidate(ep, wl));
        }
        eligible.sort(Comparator.comparing(c -> c.workload().uid()));
        List<Candidate> options = svc.loadBalancing()
                .filter(l -> l.mode() != LoadBalancing.Mode.UNSPECIFIED)
                .map(l -> ranked(src, l, eligible))
                .orElse(eligible);
        return weighted(options);
    }

    /**
     * Keeps the candidates of the best locality rank. Scopes are compared in order and counting stops at the first
     * mismatch; a leading NETWORK scope that matches outranks everything else. STRICT drops partial matches.
     */
    private static List<Candidate> ranked(Workload src, LoadBalancing lb, List<Candidate> in) {
        List<LoadBalancing.Scope> prefs = lb.routingPreference();
        boolean networkFirst = !prefs.isEmpty() && prefs.getFirst() == LoadBalancing.Scope.NETWORK;
        Map<Candidate, Integer> ranks = new java.util.LinkedHashMap<>();
        for (Candidate c : in) {
            Workload wl = c.workload();
            int rank = 0;
            int adjust = 0;
            for (LoadBalancing.Scope scope : prefs) {
                boolean matches = switch (scope) {
                    case REGION -> src.locality().region().equals(wl.locality().region());
                    case ZONE -> src.locality().zone().equals(wl.locality().zone());
                    case SUBZONE ->
                        src.locality().subzone().equals(wl.locality().subzone());
                    case NODE -> src.node().equals(wl.node());
                    case CLUSTER -> src.clusterId().equals(wl.clusterId());
                    case NETWORK -> src.network().equals(wl.network());
                };
                if (scope == LoadBalancing.Scope.NETWORK && networkFirst) {
                    if (!matches) {
                        continue;
                    }
                    adjust = prefs.size() - 1;
                }
                if (!matches) {
                    break;
                }
                rank++;
            }
            if (lb.mode() == LoadBalancing.Mode.STRICT && rank != prefs.size()) {
                continue;
            }
            ranks.put(c, rank + adjust);
        }
        int max = ranks.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        return ranks.entrySet().stream()
                .filter(e -> e.getValue() == max)
                .map(Map.Entry::getKey)
                .toList();
    }

    private Optional<Candidate> weighted(List<Candidate> options) {
        long total = options.stream().mapToLong(c -> c.workload().capacity()).sum();
        if (total <= 0) {
            return Optional.empty();
        }
        long r = random.nextLong(total);
        for (Candidate c : options) {
            r -= c.workload().capacity();
            if (r < 0) {
                return Optional.of(c);
            }
        }
        throw new IllegalStateException("random source returned a value outside [0, " + total + ")");
    }
}
