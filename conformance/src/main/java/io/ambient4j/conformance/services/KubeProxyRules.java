package io.ambient4j.conformance.services;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The iptables text of the harness's minimal kube-proxy, as a pure function of the Services: in the nat
 * table one chain {@value #NAT_CHAIN} with, per Service port, DNAT rules from VIP:port to the endpoints
 * (the first n-1 guarded by {@code statistic --mode random --probability 1/(n-i)}, so the choice is
 * uniform, as kube-proxy does); in the filter table one chain {@value #REJECT_CHAIN} that rejects a
 * VIP:port without endpoints, so clients see "connection refused" rather than a timeout. The text is
 * applied with {@code iptables-restore --noflush}; declaring the chains flushes and refills them in one
 * transaction.
 */
public final class KubeProxyRules {
    public static final String NAT_CHAIN = "A4J-SERVICES";
    public static final String REJECT_CHAIN = "A4J-NO-ENDPOINTS";

    private KubeProxyRules() {}

    /** The restore text (pure; services and endpoints in a stable order). */
    public static String render(List<ServiceView> services) {
        StringBuilder nat = new StringBuilder("*nat\n:" + NAT_CHAIN + " - [0:0]\n");
        StringBuilder filter = new StringBuilder("*filter\n:" + REJECT_CHAIN + " - [0:0]\n");
        List<ServiceView> sorted = services.stream()
                .filter(s -> !s.headless())
                .sorted(Comparator.comparing(ServiceView::namespace).thenComparing(ServiceView::name))
                .toList();
        for (ServiceView s : sorted) {
            for (ServiceView.PortView p : s.ports()) {
                String proto = p.protocol() == null ? "tcp" : p.protocol().toLowerCase(Locale.ROOT);
                String match = "-d " + s.clusterIp() + "/32 -p " + proto + " -m " + proto + " --dport " + p.port();
                String comment = " -m comment --comment \"" + s.namespace() + "/" + s.name() + ":" + p.port() + "\"";
                List<ServiceView.Endpoint> eps = p.endpoints().stream()
                        .sorted(Comparator.comparing(ServiceView.Endpoint::ip)
                                .thenComparing(ServiceView.Endpoint::port))
                        .toList();
                if (eps.isEmpty()) {
                    filter.append("-A ")
                            .append(REJECT_CHAIN)
                            .append(' ')
                            .append(match)
                            .append(comment)
                            .append(" -j REJECT --reject-with icmp-port-unreachable\n");
                    continue;
                }
                for (int i = 0; i < eps.size(); i++) {
                    nat.append("-A ")
                            .append(NAT_CHAIN)
                            .append(' ')
                            .append(match)
                            .append(comment);
                    int remaining = eps.size() - i;
                    if (remaining > 1) {
                        nat.append(" -m statistic --mode random --probability ")
                                .append(String.format(Locale.ROOT, "%.11f", 1.0 / remaining));
                    }
                    ServiceView.Endpoint e = eps.get(i);
                    nat.append(" -j DNAT --to-destination ")
                            .append(e.ip())
                            .append(':')
                            .append(e.port())
                            .append('\n');
                }
            }
        }
        return nat.append("COMMIT\n").toString() + filter.append("COMMIT\n");
    }

    /** The one-time jumps into the two chains, installed when a node is created. */
    public static String jumps() {
        return "*nat\n:" + NAT_CHAIN + " - [0:0]\n"
                + "-A PREROUTING -j " + NAT_CHAIN + "\n"
                + "-A OUTPUT -j " + NAT_CHAIN + "\n"
                + "COMMIT\n"
                + "*filter\n:" + REJECT_CHAIN + " - [0:0]\n"
                + "-A FORWARD -j " + REJECT_CHAIN + "\n"
                + "-A OUTPUT -j " + REJECT_CHAIN + "\n"
                + "COMMIT\n";
    }
}
