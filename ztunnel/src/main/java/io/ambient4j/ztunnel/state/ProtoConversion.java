package io.ambient4j.ztunnel.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.ProtocolMessageEnum;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.workload.PortList;
import io.ambient4j.common.identity.InvalidIdentityException;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.rbac.Authorization;
import io.ambient4j.ztunnel.rbac.IpNet;
import io.ambient4j.ztunnel.rbac.PolicyAction;
import io.ambient4j.ztunnel.rbac.PolicyScope;
import io.ambient4j.ztunnel.rbac.RbacMatch;
import io.ambient4j.ztunnel.rbac.ServiceAccountMatch;
import io.ambient4j.ztunnel.rbac.StringMatch;
import io.ambient4j.ztunnel.state.ResourceConversionException.Reason;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The xDS boundary: converts protobuf resources into ztunnel's immutable records, once, applying upstream's
 * defaults. Protobuf types go no further than this class. Every failure names the resource.
 */
public final class ProtoConversion {
    private ProtoConversion() {}

    /** Converts an {@code istio.workload.Address}: a {@link Workload} or a {@link Service}. */
    public static Address address(String name, io.ambient4j.api.workload.Address a) {
        return switch (a.getTypeCase()) {
            case WORKLOAD -> workload(name, a.getWorkload());
            case SERVICE -> service(name, a.getService());
            case TYPE_NOT_SET ->
                throw new ResourceConversionException(name, Reason.MISSING_FIELD, "Address has no type");
        };
    }

    /** Converts one workload; empty trust domain ⇒ cluster.local, empty SA ⇒ default, unset capacity ⇒ 1. */
    public static Workload workload(String name, io.ambient4j.api.workload.Workload w) {
        if (w.getUid().isEmpty()) {
            throw new ResourceConversionException(name, Reason.MISSING_FIELD, "workload uid is empty");
        }
        List<InetAddress> ips = new ArrayList<>();
        for (ByteString b : w.getAddressesList()) {
            ips.add(ip(name, b));
        }
        Map<String, Map<Integer, Integer>> services = new HashMap<>();
        for (Map.Entry<String, PortList> e : w.getServicesMap().entrySet()) {
            if (e.getKey().indexOf('/') < 0) {
                throw new ResourceConversionException(
                        name, Reason.INVALID_KEY, "services key \"" + e.getKey() + "\" is not <namespace>/<hostname>");
            }
            services.put(e.getKey(), portMap(name, e.getValue().getPortsList()));
        }
        Optional<ApplicationTunnel> appTunnel = Optional.empty();
        if (w.hasApplicationTunnel()) {
            var t = w.getApplicationTunnel();
            ApplicationTunnel.Protocol p = switch (known(name, t.getProtocol(), "application_tunnel.protocol")) {
                case NONE -> ApplicationTunnel.Protocol.NONE;
                case PROXY -> ApplicationTunnel.Protocol.PROXY;
                case UNRECOGNIZED -> throw new IllegalStateException();
            };
            appTunnel = Optional.of(new ApplicationTunnel(p, port(name, t.getPort(), true)));
        }
        Workload.TunnelProtocol tunnel = switch (known(name, w.getTunnelProtocol(), "tunnel_protocol")) {
            case NONE -> Workload.TunnelProtocol.NONE;
            case HBONE -> Workload.TunnelProtocol.HBONE;
            case LEGACY_ISTIO_MTLS -> Workload.TunnelProtocol.LEGACY_ISTIO_MTLS;
            case UNRECOGNIZED -> throw new IllegalStateException();
        };
        Workload.WorkloadType type = switch (known(name, w.getWorkloadType(), "workload_type")) {
            case DEPLOYMENT -> Workload.WorkloadType.DEPLOYMENT;
            case CRONJOB -> Workload.WorkloadType.CRONJOB;
            case POD -> Workload.WorkloadType.POD;
            case JOB -> Workload.WorkloadType.JOB;
            case UNRECOGNIZED -> throw new IllegalStateException();
        };
        boolean healthy = switch (known(name, w.getStatus(), "status")) {
            case HEALTHY -> true;
            case UNHEALTHY -> false;
            case UNRECOGNIZED -> throw new IllegalStateException();
        };
        boolean hostNetwork = switch (known(name, w.getNetworkMode(), "network_mode")) {
            case STANDARD -> false;
            case HOST_NETWORK -> true;
            case UNRECOGNIZED -> throw new IllegalStateException();
        };
        try {
            SpiffeId.of(w.getTrustDomain(), w.getNamespace(), w.getServiceAccount());
        } catch (InvalidIdentityException e) {
            throw new ResourceConversionException(name, Reason.INVALID_IDENTITY, e.getMessage());
        }
        var loc = w.getLocality();
        return new Workload(
                w.getUid(),
                w.getName(),
                w.getNamespace(),
                ips,
                w.getHostname(),
                w.getNetwork(),
                tunnel,
                w.getTrustDomain(),
                w.getServiceAccount(),
                w.hasWaypoint() ? Optional.of(gateway(name, w.getWaypoint())) : Optional.empty(),
                w.hasNetworkGateway() ? Optional.of(gateway(name, w.getNetworkGateway())) : Optional.empty(),
                w.getNode(),
                w.getCanonicalName(),
                w.getCanonicalRevision(),
                type,
                w.getWorkloadName(),
                w.getNativeTunnel(),
                appTunnel,
                services,
                w.getAuthorizationPoliciesList(),
                healthy,
                w.getClusterId(),
                new Locality(loc.getRegion(), loc.getZone(), loc.getSubzone()),
                hostNetwork,
                w.hasCapacity() ? w.getCapacity().getValue() : 1);
    }

    /** Converts one service; host VIPs are indexed, shorter prefixes are kept as CIDR VIPs. */
    public static Service service(String name, io.ambient4j.api.workload.Service s) {
        if (s.getHostname().isEmpty()) {
            throw new ResourceConversionException(name, Reason.MISSING_FIELD, "service hostname is empty");
        }
        List<NetworkAddress> vips = new ArrayList<>();
        List<String> cidrs = new ArrayList<>();
        for (var a : s.getAddressesList()) {
            InetAddress ip = ip(name, a.getAddress());
            int max = ip.getAddress().length * 8;
            if (a.hasLength() && a.getLength() != max) {
                if (a.getLength() > max) {
                    throw new ResourceConversionException(
                            name,
                            Reason.INVALID_ADDRESS,
                            "prefix length " + a.getLength() + " for " + ip.getHostAddress());
                }
                cidrs.add(a.getNetwork() + "/" + IpNet.of(ip.getAddress(), a.getLength()));
            } else {
                vips.add(new NetworkAddress(a.getNetwork(), ip));
            }
        }
        List<Service.WeightedWaypoint> weighted = new ArrayList<>();
        for (var ww : s.getWeightedWaypointsList()) {
            if (!ww.hasDestination()) {
                throw new ResourceConversionException(
                        name, Reason.MISSING_FIELD, "weighted waypoint without destination");
            }
            weighted.add(new Service.WeightedWaypoint(gateway(name, ww.getDestination()), ww.getWeight()));
        }
        Optional<LoadBalancing> lb = Optional.empty();
        if (s.hasLoadBalancing()) {
            var l = s.getLoadBalancing();
            List<LoadBalancing.Scope> scopes = new ArrayList<>();
            for (var sc : l.getRoutingPreferenceList()) {
                scopes.add(
                        switch (known(name, sc, "routing_preference")) {
                            case REGION -> LoadBalancing.Scope.REGION;
                            case ZONE -> LoadBalancing.Scope.ZONE;
                            case SUBZONE -> LoadBalancing.Scope.SUBZONE;
                            case NODE -> LoadBalancing.Scope.NODE;
                            case CLUSTER -> LoadBalancing.Scope.CLUSTER;
                            case NETWORK -> LoadBalancing.Scope.NETWORK;
                            case UNSPECIFIED_SCOPE, UNRECOGNIZED ->
                                throw new ResourceConversionException(
                                        name, Reason.UNKNOWN_ENUM, "routing_preference " + sc);
                        });
            }
            LoadBalancing.Mode mode = switch (known(name, l.getMode(), "load_balancing.mode")) {
                case UNSPECIFIED_MODE -> LoadBalancing.Mode.UNSPECIFIED;
                case STRICT -> LoadBalancing.Mode.STRICT;
                case FAILOVER -> LoadBalancing.Mode.FAILOVER;
                case PASSTHROUGH -> LoadBalancing.Mode.PASSTHROUGH;
                case UNRECOGNIZED -> throw new IllegalStateException();
            };
            LoadBalancing.HealthPolicy hp = switch (known(name, l.getHealthPolicy(), "load_balancing.health_policy")) {
                case ONLY_HEALTHY -> LoadBalancing.HealthPolicy.ONLY_HEALTHY;
                case ALLOW_ALL -> LoadBalancing.HealthPolicy.ALLOW_ALL;
                case UNRECOGNIZED -> throw new IllegalStateException();
            };
            lb = Optional.of(new LoadBalancing(scopes, mode, hp));
        }
        Service.IpFamilies families = switch (known(name, s.getIpFamilies(), "ip_families")) {
            case AUTOMATIC -> Service.IpFamilies.AUTOMATIC;
            case IPV4_ONLY -> Service.IpFamilies.IPV4_ONLY;
            case IPV6_ONLY -> Service.IpFamilies.IPV6_ONLY;
            case DUAL -> Service.IpFamilies.DUAL;
            case UNRECOGNIZED -> throw new IllegalStateException();
        };
        // Upstream falls back to PUBLIC for an unknown visibility, the permissive legacy behaviour.
        Service.Visibility visibility = s.getVisibility() == io.ambient4j.api.workload.Service.Visibility.NAMESPACE
                ? Service.Visibility.NAMESPACE
                : Service.Visibility.PUBLIC;
        return new Service(
                s.getName(),
                s.getNamespace(),
                s.getHostname(),
                vips,
                cidrs,
                portMap(name, s.getPortsList()),
                s.getSubjectAltNamesList(),
                s.hasWaypoint() ? Optional.of(gateway(name, s.getWaypoint())) : Optional.empty(),
                weighted,
                lb,
                families,
                s.getCanonical(),
                s.getIngressUseWaypoint(),
                visibility);
    }

    /**
     * Converts one policy. Unlike upstream, which silently drops an unparsable IP block (widening the match), a bad
     * address rejects the whole policy so the control plane sees a NACK.
     */
    public static Authorization authorization(String name, io.ambient4j.api.security.Authorization a) {
        PolicyScope scope = switch (known(name, a.getScope(), "scope")) {
            case GLOBAL -> PolicyScope.GLOBAL;
            case NAMESPACE -> PolicyScope.NAMESPACE;
            case WORKLOAD_SELECTOR -> PolicyScope.WORKLOAD_SELECTOR;
            case UNRECOGNIZED -> throw new IllegalStateException();
        };
        PolicyAction action = switch (known(name, a.getAction(), "action")) {
            case ALLOW -> PolicyAction.ALLOW;
            case DENY -> PolicyAction.DENY;
            case UNRECOGNIZED -> throw new IllegalStateException();
        };
        List<List<List<RbacMatch>>> rules = new ArrayList<>();
        for (Rule r : a.getRulesList()) {
            List<List<RbacMatch>> clauses = new ArrayList<>();
            for (Clause c : r.getClausesList()) {
                List<RbacMatch> matches = new ArrayList<>();
                for (Match m : c.getMatchesList()) {
                    matches.add(match(name, m));
                }
                clauses.add(matches);
            }
            rules.add(clauses);
        }
        return new Authorization(a.getName(), a.getNamespace(), scope, action, rules, a.getDryRun());
    }

    private static RbacMatch match(String name, Match m) {
        return RbacMatch.builder()
                .namespaces(strings(m.getNamespacesList()))
                .notNamespaces(strings(m.getNotNamespacesList()))
                .serviceAccounts(serviceAccounts(m.getServiceAccountsList()))
                .notServiceAccounts(serviceAccounts(m.getNotServiceAccountsList()))
                .principals(strings(m.getPrincipalsList()))
                .notPrincipals(strings(m.getNotPrincipalsList()))
                .sourceIps(nets(name, m.getSourceIpsList()))
                .notSourceIps(nets(name, m.getNotSourceIpsList()))
                .destinationIps(nets(name, m.getDestinationIpsList()))
                .notDestinationIps(nets(name, m.getNotDestinationIpsList()))
                .destinationPorts(ports(name, m.getDestinationPortsList()))
                .notDestinationPorts(ports(name, m.getNotDestinationPortsList()))
                .build();
    }

    /** A StringMatch with no variant set is dropped, as upstream does. */
    private static List<StringMatch> strings(List<io.ambient4j.api.security.StringMatch> in) {
        List<StringMatch> out = new ArrayList<>();
        for (var s : in) {
            switch (s.getMatchTypeCase()) {
                case EXACT -> out.add(new StringMatch.Exact(s.getExact()));
                case PREFIX -> out.add(new StringMatch.Prefix(s.getPrefix()));
                case SUFFIX -> out.add(new StringMatch.Suffix(s.getSuffix()));
                case PRESENCE -> out.add(new StringMatch.Presence());
                case MATCHTYPE_NOT_SET -> {}
            }
        }
        return out;
    }

    private static List<ServiceAccountMatch> serviceAccounts(List<io.ambient4j.api.security.ServiceAccountMatch> in) {
        return in.stream()
                .map(s -> new ServiceAccountMatch(s.getNamespace(), s.getServiceAccount()))
                .toList();
    }

    private static List<IpNet> nets(String name, List<io.ambient4j.api.security.Address> in) {
        List<IpNet> out = new ArrayList<>();
        for (var a : in) {
            try {
                out.add(IpNet.of(a.getAddress().toByteArray(), a.getLength()));
            } catch (IllegalArgumentException e) {
                throw new ResourceConversionException(name, Reason.INVALID_ADDRESS, e.getMessage());
            }
        }
        return out;
    }

    private static List<Integer> ports(String name, List<Integer> in) {
        return in.stream().map(p -> port(name, p, false)).toList();
    }

    private static Map<Integer, Integer> portMap(String name, List<io.ambient4j.api.workload.Port> ports) {
        Map<Integer, Integer> out = new HashMap<>();
        for (var p : ports) {
            out.put(port(name, p.getServicePort(), false), port(name, p.getTargetPort(), true));
        }
        return out;
    }

    private static int port(String name, int raw, boolean zeroAllowed) {
        // uint32 arrives as a Java int; anything outside 0..65535 (including "negative" large values) is invalid.
        if (raw < 0 || raw > 65535 || (!zeroAllowed && raw == 0)) {
            throw new ResourceConversionException(name, Reason.INVALID_PORT, "port " + Integer.toUnsignedString(raw));
        }
        return raw;
    }

    private static GatewayAddress gateway(String name, io.ambient4j.api.workload.GatewayAddress g) {
        GatewayAddress.Destination d = switch (g.getDestinationCase()) {
            case HOSTNAME -> {
                if (g.getHostname().getHostname().isEmpty()) {
                    throw new ResourceConversionException(name, Reason.MISSING_FIELD, "gateway hostname is empty");
                }
                yield new NamespacedHostname(
                        g.getHostname().getNamespace(), g.getHostname().getHostname());
            }
            case ADDRESS ->
                new NetworkAddress(
                        g.getAddress().getNetwork(), ip(name, g.getAddress().getAddress()));
            case DESTINATION_NOT_SET ->
                throw new ResourceConversionException(
                        name, Reason.MISSING_FIELD, "gateway address without destination");
        };
        return new GatewayAddress(d, port(name, g.getHboneMtlsPort(), false));
    }

    private static InetAddress ip(String name, ByteString b) {
        if (b.size() != 4 && b.size() != 16) {
            throw new ResourceConversionException(
                    name, Reason.INVALID_ADDRESS, "IP address must be 4 or 16 bytes, got " + b.size());
        }
        try {
            return InetAddress.getByAddress(b.toByteArray());
        } catch (UnknownHostException e) {
            throw new ResourceConversionException(name, Reason.INVALID_ADDRESS, e.getMessage());
        }
    }

    private static <E extends Enum<E> & ProtocolMessageEnum> E known(String name, E value, String field) {
        if (value.name().equals("UNRECOGNIZED")) {
            throw new ResourceConversionException(name, Reason.UNKNOWN_ENUM, field + " has an unknown value");
        }
        return value;
    }
}
