package io.ambient4j.ztunnel.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The names a client's question may stand for (ambient-spec §10), as upstream ztunnel expands them: the name
 * itself, its Kubernetes forms relative to the client's namespace ({@code svc} → {@code svc.<ns>.svc.<domain>},
 * {@code svc.ns[.svc]} → {@code svc.ns.svc.<domain>}, {@code pod.sub[.ns[.svc]]} → {@code pod.sub.ns.svc.<domain>}),
 * and the same again after stripping a search domain the client's resolver appended. Pure.
 */
public final class NameExpansion {
    private static final String SVC = "svc";

    private NameExpansion() {}

    /**
     * One candidate name.
     *
     * @param stripped the name left after removing a search domain, when this alias came from one (the answer then
     *     carries a CNAME from the question to it)
     * @param podHost whether the alias has the shape {@code pod.sub.ns.svc.<domain>} of a headless pod host
     */
    public record Alias(DnsName name, Optional<DnsName> stripped, boolean podHost) {}

    /** Every alias of {@code name} for a client in {@code namespace}, without duplicates, most literal first. */
    public static List<Alias> aliases(
            DnsName name, String namespace, DnsName clusterDomain, List<DnsName> searchDomains) {
        Map<String, Alias> out = new LinkedHashMap<>();
        // The shape of a pod FQDN: pod.sub.ns.svc.cluster.local (for the default two-label domain).
        boolean podHost = name.size() == 4 + clusterDomain.size();
        add(out, new Alias(name, Optional.empty(), podHost));
        for (Expanded e : kubeFqdns(name, namespace, clusterDomain)) {
            add(out, new Alias(e.name(), Optional.empty(), e.podHost()));
        }
        for (DnsName search : searchDomains) {
            Optional<DnsName> trimmed = name.trim(search);
            if (trimmed.isEmpty()) {
                continue;
            }
            DnsName stripped = trimmed.get();
            add(out, new Alias(stripped, Optional.of(stripped), podHost));
            for (Expanded e : kubeFqdns(stripped, namespace, clusterDomain)) {
                add(out, new Alias(e.name(), Optional.of(stripped), e.podHost()));
            }
        }
        return List.copyOf(out.values());
    }

    private static void add(Map<String, Alias> out, Alias a) {
        out.putIfAbsent(a.name().key(), a);
    }

    /** A Kubernetes FQDN a short name expands to, and whether it is a pod-host form. */
    public record Expanded(DnsName name, boolean podHost) {}

    /**
     * The Kubernetes FQDNs a name of one to four labels can stand for; longer names are taken as already qualified
     * (or not Kubernetes names at all) and expand to nothing.
     */
    public static List<Expanded> kubeFqdns(DnsName name, String namespace, DnsName clusterDomain) {
        DnsName svcDomain = DnsName.of(SVC).append(clusterDomain);
        DnsName namespaced = DnsName.of(namespace).append(svcDomain);
        List<Expanded> out = new ArrayList<>();
        switch (name.size()) {
            case 1 -> out.add(expand(name, namespaced, false));
            case 2 -> {
                out.add(expand(name, svcDomain, false));
                out.add(expand(name, namespaced, true));
            }
            case 3 -> {
                if (name.endsWithLabel(SVC)) {
                    out.add(expand(name, clusterDomain, false));
                }
                out.add(expand(name, svcDomain, true));
            }
            case 4 -> {
                if (name.endsWithLabel(SVC)) {
                    out.add(expand(name, clusterDomain, true));
                }
            }
            default -> {}
        }
        return out.stream().filter(e -> e.name() != null).toList();
    }

    /** {@code name.suffix}, or a null name when the result would exceed 255 bytes (then it cannot match anything). */
    private static Expanded expand(DnsName name, DnsName suffix, boolean podHost) {
        try {
            return new Expanded(name.append(suffix), podHost);
        } catch (IllegalArgumentException tooLong) {
            return new Expanded(null, podHost);
        }
    }

    /**
     * The search domains a pod's resolver appends in Kubernetes ({@code <ns>.svc.<domain>}, {@code svc.<domain>},
     * {@code <domain>}): shared-mode ztunnel serves many namespaces, so it uses these per client rather than its
     * own resolv.conf's.
     */
    public static List<DnsName> kubernetesSearch(String namespace, DnsName clusterDomain) {
        DnsName svcDomain = DnsName.of(SVC).append(clusterDomain);
        return List.of(DnsName.of(namespace).append(svcDomain), svcDomain, clusterDomain);
    }
}
