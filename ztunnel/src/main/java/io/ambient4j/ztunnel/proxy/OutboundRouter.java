package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.proxy.OutboundRoutingException.Reason;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.GatewayAddress;
import io.ambient4j.ztunnel.state.LoadBalancing;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/** The steps of ambient-spec §2.4 over one state snapshot. Stateless apart from its inputs. */
final class OutboundRouter {
    private final ProxyState state;
    private final LoadBalancer lb;
    private final RandomSource random;

    OutboundRouter(ProxyState state, RandomSource random) {
        this.state = state;
        this.random = random;
        this.lb = new LoadBalancer(state, random);
    }

    OutboundRequest build(String localNetwork, Workload source, InetAddress downstream, InetSocketAddress target) {
        // 1. A loopback destination on one of our own ports would loop forever.
        if (target.getAddress().isLoopbackAddress() && Ports.ILLEGAL.contains(target.getPort())) {
            throw new OutboundRoutingException(Reason.SELF_CALL, "refusing recursive call to " + Authority.of(target));
        }

        // 2. A service VIP with a waypoint: HBONE to the waypoint, :authority = the original VIP:port.
        Optional<Service> service = state.findAddress(
                        new NetworkAddress(localNetwork, target.getAddress()), Optional.of(source.namespace()))
                .filter(Service.class::isInstance)
                .map(Service.class::cast);
        if (service.isPresent()) {
            Optional<GatewayAddress> wp = serviceWaypoint(service.get());
            if (wp.isPresent()) {
                Upstream waypoint =
                        resolveGateway(wp.get(), source, target, LoadBalancer.Mode.WAYPOINT, Reason.UNKNOWN_WAYPOINT);
                if (!waypoint.workload().network().equals(source.network())) {
                    return throughGateway(source, waypoint, service.get(), target);
                }
                return toWaypoint(waypoint, target, Optional.of(ServiceDescription.of(service.get())));
            }
        }

        // 3. Pick an upstream: an endpoint of the service, or the pod the IP belongs to.
        Optional<LoadBalancer.Choice> choice =
                lb.findUpstream(source.network(), source, target, LoadBalancer.Mode.STANDARD);
        if (choice.isEmpty() || choice.get() instanceof LoadBalancer.Choice.OriginalDestination) {
            boolean passthrough = service.flatMap(Service::loadBalancing)
                    .map(l -> l.mode() == LoadBalancing.Mode.PASSTHROUGH)
                    .orElse(false);
            if (service.isPresent() && !passthrough && choice.isEmpty()) {
                throw new OutboundRoutingException(
                        Reason.NO_HEALTHY_UPSTREAM, "no healthy upstream for " + Authority.of(target));
            }
            return new OutboundRequest(
                    Protocol.TCP,
                    target,
                    Optional.empty(),
                    List.of(),
                    List.of(),
                    Optional.empty(),
                    Optional.empty(),
                    false);
        }
        Upstream us = finish(((LoadBalancer.Choice.Parts) choice.get()), source, target);

        // 4. An upstream on another network is reached through its network's gateway.
        if (!us.workload().network().equals(source.network())) {
            Service svc = service.orElseThrow(() -> new OutboundRoutingException(
                    Reason.NO_VALID_DESTINATION, "workload " + us.workload().uid() + " is on another network"));
            return throughGateway(source, us, svc, target);
        }

        // 5. Workload-addressed traffic to a workload with a waypoint goes through it, unless it comes from it.
        if (service.isEmpty()
                && us.workload().waypoint().isPresent()
                && !fromWaypoint(us.workload(), source, downstream)) {
            Upstream waypoint = resolveGateway(
                    us.workload().waypoint().get(),
                    source,
                    target,
                    LoadBalancer.Mode.WAYPOINT,
                    Reason.UNKNOWN_WAYPOINT);
            return toWaypoint(waypoint, target, us.service().map(ServiceDescription::of));
        }

        // 6. Direct: HBONE to podIP:15008 with :authority podIP:targetPort, or plain TCP.
        InetSocketAddress workloadAddr = us.socketAddress()
                .orElseThrow(() -> new OutboundRoutingException(
                        Reason.NO_VALID_DESTINATION, "workload " + us.workload().uid() + " has no usable address"));
        Optional<ServiceDescription> intended = us.service().map(ServiceDescription::of);
        if (us.workload().tunnelProtocol() == Workload.TunnelProtocol.HBONE) {
            return new OutboundRequest(
                    Protocol.HBONE,
                    new InetSocketAddress(workloadAddr.getAddress(), Ports.HBONE),
                    Optional.of(Authority.of(workloadAddr)),
                    us.workloadAndServiceSans(),
                    List.of(),
                    Optional.of(us.workload()),
                    intended,
                    false);
        }
        return new OutboundRequest(
                Protocol.TCP,
                workloadAddr,
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.of(us.workload()),
                intended,
                false);
    }

    private static OutboundRequest toWaypoint(
            Upstream waypoint, InetSocketAddress target, Optional<ServiceDescription> svc) {
        InetSocketAddress addr = waypoint.socketAddress()
                .orElseThrow(() -> new OutboundRoutingException(
                        Reason.NO_VALID_DESTINATION,
                        "waypoint " + waypoint.workload().uid() + " has no usable address"));
        return new OutboundRequest(
                Protocol.HBONE,
                addr,
                Optional.of(Authority.of(target)),
                waypoint.workloadAndServiceSans(),
                List.of(),
                Optional.of(waypoint.workload()),
                svc,
                true);
    }

    private OutboundRequest throughGateway(Workload source, Upstream us, Service svc, InetSocketAddress target) {
        GatewayAddress gw = us.workload()
                .networkGateway()
                .orElseThrow(() -> new OutboundRoutingException(
                        Reason.NO_VALID_DESTINATION,
                        "workload " + us.workload().uid() + " is on another network and has no network gateway"));
        Upstream gateway =
                resolveGateway(gw, source, target, LoadBalancer.Mode.STANDARD, Reason.UNKNOWN_NETWORK_GATEWAY);
        InetSocketAddress addr = gateway.socketAddress()
                .orElseThrow(() -> new OutboundRoutingException(
                        Reason.NO_VALID_DESTINATION,
                        "gateway " + gateway.workload().uid() + " has no usable address"));
        return new OutboundRequest(
                Protocol.DOUBLE_HBONE,
                addr,
                Optional.of(svc.hostname() + ":" + target.getPort()),
                gateway.workloadAndServiceSans(),
                us.serviceSans(),
                Optional.of(gateway.workload()),
                Optional.of(ServiceDescription.of(svc)),
                false);
    }

    /** A canary-weighted waypoint when the service lists any with weight, else its single waypoint. */
    private Optional<GatewayAddress> serviceWaypoint(Service svc) {
        List<Service.WeightedWaypoint> ww = svc.weightedWaypoints();
        long total = ww.stream().mapToLong(Service.WeightedWaypoint::weight).sum();
        if (total > 0) {
            long r = random.nextLong(total);
            for (Service.WeightedWaypoint w : ww) {
                r -= w.weight();
                if (r < 0) {
                    return Optional.of(w.destination());
                }
            }
        }
        return svc.waypoint();
    }

    /**
     * Resolves a waypoint or gateway: by address, as an upstream at {@code ip:hbonePort}; by hostname, as a service
     * endpoint (port = HBONE port) or a workload, keeping the caller's IP family.
     */
    private Upstream resolveGateway(
            GatewayAddress gw, Workload source, InetSocketAddress original, LoadBalancer.Mode mode, Reason notFound) {
        Optional<LoadBalancer.Choice> choice;
        InetSocketAddress familyHint;
        switch (gw.destination()) {
            case NetworkAddress na -> {
                familyHint = new InetSocketAddress(na.address(), gw.hboneMtlsPort());
                choice = lb.findUpstream(na.network(), source, familyHint, mode);
            }
            case NamespacedHostname host -> {
                familyHint = original;
                Address found = state.findHostname(host)
                        .orElseThrow(() -> new OutboundRoutingException(notFound, host.hostname() + " not found"));
                choice = switch (found) {
                    case Service s -> lb.fromService(source, gw.hboneMtlsPort(), mode, s);
                    case Workload w ->
                        Optional.of(new LoadBalancer.Choice.Parts(w, gw.hboneMtlsPort(), Optional.empty()));
                };
            }
        }
        if (choice.isEmpty() || !(choice.get() instanceof LoadBalancer.Choice.Parts parts)) {
            throw new OutboundRoutingException(notFound, gw.destination() + " has no usable endpoint");
        }
        return finish(parts, source, familyHint);
    }

    /** Picks the IP on the chosen workload (the dialled one if it is the pod's, else by family). */
    private static Upstream finish(LoadBalancer.Choice.Parts p, Workload source, InetSocketAddress original) {
        Workload wl = p.workload();
        Service.IpFamilies families = p.service().map(Service::ipFamilies).orElse(Service.IpFamilies.AUTOMATIC);
        if (wl.addresses().contains(original.getAddress())) {
            return new Upstream(wl, Optional.of(original.getAddress()), p.port(), p.service());
        }
        boolean wantV4 = original.getAddress() instanceof Inet4Address;
        List<InetAddress> allowed = wl.addresses().stream()
                .filter(ip -> switch (families) {
                    case IPV4_ONLY -> ip instanceof Inet4Address;
                    case IPV6_ONLY -> !(ip instanceof Inet4Address);
                    case AUTOMATIC, DUAL -> true;
                })
                .toList();
        Optional<InetAddress> ip = allowed.stream()
                .filter(a -> (a instanceof Inet4Address) == wantV4)
                .findFirst()
                .or(() -> allowed.stream().findFirst());
        if (ip.isPresent()) {
            return new Upstream(wl, ip, p.port(), p.service());
        }
        if (!wl.hostname().isEmpty()) {
            throw new OutboundRoutingException(Reason.NEEDS_DNS, "workload " + wl.uid() + " is " + wl.hostname());
        }
        if (wl.networkGateway().isEmpty()) {
            throw new OutboundRoutingException(
                    Reason.NO_VALID_DESTINATION, "workload " + wl.uid() + " has no suitable IP for routing");
        }
        return new Upstream(wl, Optional.empty(), p.port(), p.service());
    }

    /**
     * Whether the connection comes from the upstream's own waypoint: the source identity is a waypoint workload's
     * and the client IP is one of that workload's IPs.
     */
    private boolean fromWaypoint(Workload upstream, Workload source, InetAddress downstream) {
        Optional<GatewayAddress> wp = upstream.waypoint();
        if (wp.isEmpty()) {
            return false;
        }
        SpiffeId srcId = source.identity();
        Optional<Address> found = switch (wp.get().destination()) {
            case NetworkAddress na -> state.findAddress(na, Optional.empty());
            case NamespacedHostname host -> state.findHostname(host);
        };
        if (found.isEmpty()) {
            return false;
        }
        return switch (found.get()) {
            case Workload w -> w.identity().equals(srcId) && w.addresses().contains(downstream);
            case Service s ->
                state.endpoints(s.resourceName()).stream()
                        .map(ep -> state.workload(ep.workloadUid()))
                        .flatMap(Optional::stream)
                        .anyMatch(
                                w -> w.identity().equals(srcId) && w.addresses().contains(downstream));
        };
    }
}
