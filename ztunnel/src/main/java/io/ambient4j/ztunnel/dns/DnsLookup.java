package io.ambient4j.ztunnel.dns;

import io.ambient4j.ztunnel.dns.DnsMessage.Question;
import io.ambient4j.ztunnel.dns.DnsMessage.ResourceRecord;
import io.ambient4j.ztunnel.dns.NameExpansion.Alias;
import io.ambient4j.ztunnel.state.Endpoint;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The DNS proxy's one decision, as a pure function (ambient-spec §10): given the xDS state, the asking pod and its
 * question, answer from the mesh or forward. A/AAAA only; everything else is forwarded. Names are tried alias by
 * alias ({@link NameExpansion}), each with its wildcards; the first service found wins. Services hidden from the
 * client and VIP-less services that are not Kubernetes headless services are skipped; among several for one host
 * the client's namespace wins, then a {@code canonical} one. Answers carry TTL 30 s and come in random order.
 */
public final class DnsLookup {
    /** Upstream's TTL for answers from the mesh. */
    public static final long TTL_SECONDS = 30;

    private DnsLookup() {}

    /**
     * Decides for {@code question}.
     *
     * @param searchDomains the client's resolver search domains, for stripping (see {@link NameExpansion})
     * @param random shuffles the addresses (DNS load balancing)
     */
    public static DnsDecision decide(
            ProxyState state,
            DnsClient client,
            Question question,
            DnsName clusterDomain,
            List<DnsName> searchDomains,
            RandomGenerator random) {
        int type = question.type();
        if ((type != DnsMessage.TYPE_A && type != DnsMessage.TYPE_AAAA) || question.qclass() != DnsMessage.CLASS_IN) {
            return new DnsDecision.Forward("record type " + DnsMessage.typeName(type) + " is not served locally");
        }
        Optional<Match> found = find(state, client, question.name(), clusterDomain, searchDomains);
        if (found.isEmpty()) {
            return new DnsDecision.Forward("not a mesh host");
        }
        Match m = found.get();
        if (m.service() != null && !familyAllowed(m.service(), type)) {
            return new DnsDecision.Answer(List.of());
        }
        List<InetAddress> ips = addresses(state, client, m, type);
        if (ips.isEmpty()) {
            return new DnsDecision.Answer(List.of());
        }
        List<InetAddress> shuffled = new ArrayList<>(ips);
        Collections.shuffle(shuffled, random);
        List<ResourceRecord> out = new ArrayList<>();
        DnsName recordName = question.name();
        if (m.alias().stripped().isPresent() && !m.matched().isWildcard()) {
            recordName = m.alias().stripped().get();
            out.add(ResourceRecord.cname(question.name(), TTL_SECONDS, recordName));
        }
        for (InetAddress ip : shuffled) {
            out.add(
                    ip instanceof Inet4Address v4
                            ? ResourceRecord.a(recordName, TTL_SECONDS, v4)
                            : ResourceRecord.aaaa(recordName, TTL_SECONDS, (Inet6Address) ip));
        }
        return new DnsDecision.Answer(out);
    }

    /** What a name resolved to: a service, or a pod of a headless service; and through which alias and name. */
    private record Match(Service service, Workload workload, Alias alias, DnsName matched) {}

    private static Optional<Match> find(
            ProxyState state, DnsClient client, DnsName name, DnsName clusterDomain, List<DnsName> searchDomains) {
        String headlessSuffix = "." + DnsName.of("svc").append(clusterDomain).key();
        for (Alias alias : NameExpansion.aliases(name, client.namespace(), clusterDomain, searchDomains)) {
            for (DnsName candidate : alias.name().withWildcards()) {
                Optional<Service> svc = best(
                        state.servicesForHostname(candidate.key()).stream()
                                .filter(s -> s.visibleTo(client.namespace()))
                                .filter(s -> !s.vips().isEmpty() || isHeadless(s, headlessSuffix))
                                .toList(),
                        client.namespace());
                if (svc.isPresent()) {
                    return Optional.of(new Match(svc.get(), null, alias, candidate));
                }
            }
            if (alias.podHost()) {
                Optional<Workload> pod = headlessPod(state, client, alias.name(), headlessSuffix);
                if (pod.isPresent()) {
                    return Optional.of(new Match(null, pod.get(), alias, alias.name()));
                }
            }
        }
        return Optional.empty();
    }

    /** A Kubernetes headless service: no VIPs and a {@code .svc.<domain>} hostname. */
    private static boolean isHeadless(Service s, String headlessSuffix) {
        return s.vips().isEmpty()
                && s.hostname().toLowerCase(java.util.Locale.ROOT).endsWith(headlessSuffix);
    }

    /** The client's namespace wins, then a canonical service, then the first that arrived. */
    private static Optional<Service> best(List<Service> candidates, String namespace) {
        return candidates.stream()
                .filter(s -> s.namespace().equals(namespace))
                .findFirst()
                .or(() -> candidates.stream().filter(Service::canonical).findFirst())
                .or(() -> candidates.stream().findFirst());
    }

    /**
     * {@code pod.sub.ns.svc.<domain>}: the workload named {@code pod} behind the headless service
     * {@code sub.ns.svc.<domain>} (StatefulSet pods), preferring one in the client's namespace.
     */
    private static Optional<Workload> headlessPod(
            ProxyState state, DnsClient client, DnsName name, String headlessSuffix) {
        String pod = name.labels().getFirst();
        DnsName serviceHost = new DnsName(name.labels().subList(1, name.size()));
        List<Workload> found = new ArrayList<>();
        for (Service s : state.servicesForHostname(serviceHost.key())) {
            if (!isHeadless(s, headlessSuffix) || !s.visibleTo(client.namespace())) {
                continue;
            }
            for (Endpoint ep : state.endpoints(s.resourceName())) {
                state.workload(ep.workloadUid())
                        .filter(w -> w.name().equalsIgnoreCase(pod))
                        .ifPresent(found::add);
            }
        }
        return found.stream()
                .filter(w -> w.namespace().equals(client.namespace()))
                .findFirst()
                .or(() -> found.stream().findFirst());
    }

    /** A single-stack service answers only its family; the other query gets an empty NOERROR. */
    private static boolean familyAllowed(Service s, int type) {
        return switch (s.ipFamilies()) {
            case IPV4_ONLY -> type == DnsMessage.TYPE_A;
            case IPV6_ONLY -> type == DnsMessage.TYPE_AAAA;
            case AUTOMATIC, DUAL -> true;
        };
    }

    private static List<InetAddress> addresses(ProxyState state, DnsClient client, Match m, int type) {
        if (m.workload() != null) {
            return m.workload().addresses().stream().filter(ip -> is(ip, type)).toList();
        }
        Service s = m.service();
        if (s.vips().isEmpty()) {
            // Headless: one address of the asked family per endpoint workload.
            List<InetAddress> out = new ArrayList<>();
            for (Endpoint ep : state.endpoints(s.resourceName())) {
                state.workload(ep.workloadUid())
                        .flatMap(w -> w.addresses().stream()
                                .filter(ip -> is(ip, type))
                                .findFirst())
                        .ifPresent(out::add);
            }
            return out;
        }
        return s.vips().stream()
                .filter(v -> v.network().equals(client.network()))
                .map(NetworkAddress::address)
                .filter(ip -> is(ip, type))
                .toList();
    }

    private static boolean is(InetAddress ip, int type) {
        return type == DnsMessage.TYPE_A ? ip instanceof Inet4Address : ip instanceof Inet6Address;
    }
}
