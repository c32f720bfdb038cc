package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.proxy.InboundRejection.Reason;
import io.ambient4j.ztunnel.rbac.Authorizer;
import io.ambient4j.ztunnel.rbac.Connection;
import io.ambient4j.ztunnel.rbac.Decision;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.ApplicationTunnel;
import io.ambient4j.ztunnel.state.Endpoint;
import io.ambient4j.ztunnel.state.GatewayAddress;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A validated inbound HBONE request (ambient-spec §2.2–2.3). The phases are pure functions that either return the
 * next value or throw an {@link InboundRejection} carrying the status: {@link #build} (400 / 503), then
 * {@link #authorize} (401), then the server connects and maps a failure with {@link #connectFailed} (503), and only
 * then answers 200.
 *
 * @param hboneTarget the parsed {@code :authority}
 * @param upstream where to connect the application: always the local pod IP, port from the authority or service
 * @param tunnelTarget for a PROXY-protocol app tunnel, the destination to put in the PROXY header
 * @param rbac the connection as authorization sees it (destination = the upstream address)
 * @param destinationWorkload the local workload being served
 * @param destinationService the service the caller meant, for metrics
 * @param sourceWorkload the caller as xDS knows its IP (telemetry only; absent when it came through a gateway)
 */
public record InboundRequest(
        HboneAddress hboneTarget,
        InetSocketAddress upstream,
        Optional<InetSocketAddress> tunnelTarget,
        Connection rbac,
        Workload destinationWorkload,
        Optional<ServiceDescription> destinationService,
        Optional<Workload> sourceWorkload) {

    /**
     * The parts of the CONNECT request inbound looks at.
     *
     * @param method {@code :method}
     * @param authority {@code :authority}
     * @param forwardedHost {@code host=} of the {@code forwarded} header (the service the client meant)
     * @param forwardedNetwork {@code x-forwarded-network} (set on the inner CONNECT of double HBONE)
     */
    public record Connect(
            String method, String authority, Optional<String> forwardedHost, Optional<String> forwardedNetwork) {
        /** A plain CONNECT without the optional headers. */
        public static Connect of(String method, String authority) {
            return new Connect(method, authority, Optional.empty(), Optional.empty());
        }
    }

    /**
     * Phase 1: method, authority, destination check and upstream resolution.
     *
     * @param request the CONNECT's method, authority and forwarding headers
     * @param localWorkload the workload the accepting listener serves, if ztunnel knows it yet
     * @param tcpSource the TCP peer (client or waypoint)
     * @param tcpDestination the TCP destination ({@code podIP:15008})
     * @param peerIdentity the verified SPIFFE ID of the client certificate
     */
    public static InboundRequest build(
            ProxyState state,
            String localNetwork,
            Connect request,
            Optional<Workload> localWorkload,
            InetSocketAddress tcpSource,
            InetSocketAddress tcpDestination,
            Optional<SpiffeId> peerIdentity) {
        HboneAddress target = parseConnect(request.method(), request.authority());
        Workload local = localWorkload.orElseThrow(() -> new InboundRejection(
                Reason.UNKNOWN_LOCAL_WORKLOAD,
                "no workload known for " + tcpDestination.getAddress().getHostAddress()));
        validateDestination(state, localNetwork, tcpDestination, local, target);
        Resolved r = resolveUpstream(state, localNetwork, tcpDestination, local, target);
        Connection conn = new Connection(tcpSource, r.upstream(), peerIdentity);
        return new InboundRequest(
                target,
                r.upstream(),
                r.tunnelTarget(),
                conn,
                local,
                guessService(r.services(), request.forwardedHost(), r.upstream().getPort(), local, state),
                sourceWorkload(state, localNetwork, tcpSource, request.forwardedNetwork()));
    }

    /**
     * The caller looked up by its IP on the local network, unless {@code x-forwarded-network} names another network
     * (then the TCP peer is a gateway and the IP says nothing about the caller). Never used for security.
     */
    static Optional<Workload> sourceWorkload(
            ProxyState state, String localNetwork, InetSocketAddress tcpSource, Optional<String> forwardedNetwork) {
        boolean fromGateway =
                forwardedNetwork.map(n -> !n.equalsIgnoreCase(localNetwork)).orElse(false);
        if (fromGateway) {
            return Optional.empty();
        }
        return state.workloadByAddress(new NetworkAddress(localNetwork, tcpSource.getAddress()));
    }

    /** 400 unless the method is CONNECT and the authority parses. */
    public static HboneAddress parseConnect(String method, String authority) {
        if (!"CONNECT".equals(method)) {
            throw new InboundRejection(Reason.NON_CONNECT_METHOD, "method " + method);
        }
        try {
            return HboneAddress.parse(authority);
        } catch (IllegalArgumentException e) {
            throw new InboundRejection(Reason.BAD_AUTHORITY, e.getMessage());
        }
    }

    /**
     * 400 when the HBONE target IP differs from the TCP destination IP, unless the local workload has an application
     * tunnel or is the waypoint of the target (a service whose waypoint service lists this workload as an endpoint, or
     * a workload whose waypoint is this pod).
     */
    public static void validateDestination(
            ProxyState state, String localNetwork, InetSocketAddress tcpDst, Workload local, HboneAddress target) {
        if (!(target instanceof HboneAddress.Socket(InetSocketAddress hbone))) {
            return;
        }
        if (tcpDst.getAddress().equals(hbone.getAddress())
                || local.applicationTunnel().isPresent()) {
            return;
        }
        Optional<Address> hboneDst =
                state.findAddress(new NetworkAddress(localNetwork, hbone.getAddress()), Optional.empty());
        Optional<GatewayAddress> waypoint = hboneDst.flatMap(a -> switch (a) {
            case Service s -> s.waypoint();
            case Workload w -> w.waypoint();
        });
        boolean isThisWaypoint = waypoint.flatMap(wp -> switch (wp.destination()) {
                    case NamespacedHostname h -> state.findHostname(h);
                    case NetworkAddress na -> state.findAddress(na, Optional.empty());
                })
                .map(a -> switch (a) {
                    case Service s ->
                        state.endpoints(s.resourceName()).stream()
                                .anyMatch(ep -> ep.workloadUid().equals(local.uid()));
                    case Workload w -> w.addresses().contains(tcpDst.getAddress());
                })
                .orElse(false);
        if (!isThisWaypoint) {
            throw new InboundRejection(
                    Reason.IP_MISMATCH,
                    "ip mismatch: " + tcpDst.getAddress().getHostAddress() + " != "
                            + hbone.getAddress().getHostAddress());
        }
    }

    record Resolved(InetSocketAddress upstream, Optional<InetSocketAddress> tunnelTarget, List<Service> services) {}

    /**
     * 503 when the upstream cannot be resolved. The IP is always the local pod's (the TCP destination); the port is
     * the authority's, or for a hostname the target port of that service on this workload. An app tunnel may redirect
     * the port and records the original target for the PROXY header.
     */
    static Resolved resolveUpstream(
            ProxyState state, String localNetwork, InetSocketAddress tcpDst, Workload local, HboneAddress target) {
        InetSocketAddress dest;
        List<Service> services;
        switch (target) {
            case HboneAddress.SvcHostname(String host, int svcPort) -> {
                Service svc = state.serviceByHostname(host, Optional.of(local.namespace()))
                        .orElseThrow(() -> new InboundRejection(Reason.NO_HOSTNAME, "no service " + host));
                Integer epPort = state.endpoints(svc.resourceName()).stream()
                        .filter(ep -> ep.workloadUid().equals(local.uid()))
                        .map(ep -> ep.ports().get(svcPort))
                        .filter(p -> p != null)
                        .findFirst()
                        .orElse(null);
                int port = epPort != null ? epPort : svc.ports().getOrDefault(svcPort, 0);
                if (port == 0) {
                    throw new InboundRejection(Reason.NO_PORT_FOR_SERVICE, host + " has no target port for " + svcPort);
                }
                dest = new InetSocketAddress(tcpDst.getAddress(), port);
                services = List.of(svc);
            }
            case HboneAddress.Socket(InetSocketAddress a) -> {
                dest = new InetSocketAddress(tcpDst.getAddress(), a.getPort());
                services = local.services().keySet().stream()
                        .sorted()
                        .map(state::service)
                        .flatMap(Optional::stream)
                        .toList();
            }
        }
        if (Ports.ILLEGAL.contains(dest.getPort())) {
            throw new InboundRejection(Reason.SELF_CALL, "target port " + dest.getPort() + " is ztunnel's own");
        }
        Optional<ApplicationTunnel> tunnel = local.applicationTunnel();
        if (tunnel.isEmpty()) {
            return new Resolved(dest, Optional.empty(), services);
        }
        InetSocketAddress appTarget = new InetSocketAddress(
                dest.getAddress(), tunnel.get().port() > 0 ? tunnel.get().port() : dest.getPort());
        InetSocketAddress tunnelTarget = switch (target) {
            case HboneAddress.Socket(InetSocketAddress a) -> a;
            case HboneAddress.SvcHostname(String host, int port) -> {
                // Prefer a VIP on the local network, IPv4 first.
                NetworkAddress vip = services.getFirst().vips().stream()
                        .max(Comparator.comparingInt(v ->
                                v.network().equals(localNetwork) ? (v.address() instanceof Inet4Address ? 2 : 1) : 0))
                        .orElseThrow(() -> new InboundRejection(Reason.NO_HOSTNAME, "service " + host + " has no VIP"));
                yield new InetSocketAddress(vip.address(), port);
            }
        };
        return new Resolved(appTarget, Optional.of(tunnelTarget), services);
    }

    /**
     * The service for metrics: the one named by {@code forwarded: host=} if this workload backs it, else the first
     * whose target port (or this endpoint's mapping of a named port) equals the upstream port.
     */
    static Optional<ServiceDescription> guessService(
            List<Service> services, Optional<String> forwardedHost, int port, Workload local, ProxyState state) {
        if (forwardedHost.isPresent()) {
            Optional<Service> named = services.stream()
                    .filter(s -> s.hostname().equals(forwardedHost.get()))
                    .findFirst();
            if (named.isPresent()) {
                return named.map(ServiceDescription::of);
            }
        }
        return services.stream()
                .filter(s -> s.ports().entrySet().stream()
                        .anyMatch(e -> e.getValue() == port
                                || state.endpoints(s.resourceName()).stream()
                                        .filter(ep -> ep.workloadUid().equals(local.uid()))
                                        .map(Endpoint::ports)
                                        .anyMatch(m -> Integer.valueOf(port).equals(m.get(e.getKey())))))
                .findFirst()
                .map(ServiceDescription::of);
    }

    /** Phase 2: authorization against the policies applicable to the local workload; 401 when denied. */
    public Decision authorize(ProxyState state) {
        Decision d = Authorizer.evaluate(rbac, state.applicablePolicies(destinationWorkload));
        if (!d.allowed()) {
            throw new InboundRejection(
                    Reason.DENIED, d.outcome() + d.policy().map(p -> " by " + p).orElse("") + ": " + rbac);
        }
        return d;
    }

    /** Phase 2, second half: a failed connect to the application becomes 503 with flag CONNECT. */
    public InboundRejection connectFailed(IOException cause) {
        InboundRejection r = new InboundRejection(
                Reason.CONNECT_FAILED, "connect to " + Authority.of(upstream) + " failed: " + cause.getMessage());
        r.initCause(cause);
        return r;
    }
}
