package io.ambient4j.istioctl.ztunnelconfig;

import io.ambient4j.istioctl.Table;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The four {@code istioctl ztunnel-config} tables, with upstream's columns, ordering and
 * placeholders ("None" for no waypoint, "NA" for missing certificate fields, serials in hex).
 * Pure: config dump in, text out; {@code now} decides which certificates are still valid.
 */
public final class DumpTables {
    private DumpTables() {}

    public static String workloads(ConfigDump d) {
        Table t = new Table("NAMESPACE", "POD NAME", "ADDRESS", "NODE", "WAYPOINT", "PROTOCOL");
        d.workloads().stream()
                .sorted(Comparator.comparing(ConfigDump.Workload::namespace)
                        .thenComparing(ConfigDump.Workload::name)
                        .thenComparing(ConfigDump.Workload::node))
                .forEach(w -> t.row(
                        w.namespace(),
                        w.name(),
                        w.workloadIps().isEmpty() ? w.hostname() : String.join(",", w.workloadIps()),
                        w.node(),
                        waypointName(w.waypoint(), d.services()),
                        w.protocol()));
        return t.render();
    }

    public static String services(ConfigDump d) {
        Map<String, ConfigDump.Workload> byUid = new HashMap<>();
        d.workloads().forEach(w -> byUid.put(w.uid(), w));
        Table t = new Table("NAMESPACE", "SERVICE NAME", "SERVICE VIP", "WAYPOINT", "ENDPOINTS");
        d.services().stream()
                .sorted(Comparator.comparing(ConfigDump.Service::namespace)
                        .thenComparing(ConfigDump.Service::name)
                        .thenComparing(ConfigDump.Service::hostname))
                .forEach(s -> {
                    List<String> ips = s.vips().stream()
                            .map(v -> v.contains("/") ? v.substring(v.indexOf('/') + 1) : v)
                            .toList();
                    long healthy = s.endpointWorkloadUids().stream()
                            .map(byUid::get)
                            .filter(w -> w != null && "Healthy".equals(w.status()))
                            .count();
                    t.row(
                            s.namespace(),
                            s.name(),
                            String.join(",", ips),
                            waypointName(s.waypoint(), d.services()),
                            healthy + "/" + s.endpointWorkloadUids().size());
                });
        return t.render();
    }

    public static String policies(ConfigDump d) {
        Table t = new Table("NAMESPACE", "POLICY NAME", "ACTION", "SCOPE");
        d.policies().stream()
                .sorted(Comparator.comparing(ConfigDump.Policy::namespace).thenComparing(ConfigDump.Policy::name))
                .forEach(p -> t.row(p.namespace(), p.name(), p.action(), p.scope()));
        return t.render();
    }

    public static String certificates(ConfigDump d, Instant now) {
        Table t = new Table(
                "CERTIFICATE NAME", "TYPE", "STATUS", "VALID CERT", "SERIAL NUMBER", "NOT AFTER", "NOT BEFORE");
        for (ConfigDump.Certificates c : d.certificates()) {
            String state = c.state().contains("Unavailable") ? "Unavailable" : c.state();
            if (c.certChain().isEmpty()) {
                t.row(c.identity(), "NA", state, "false", "NA", "NA", "NA");
                continue;
            }
            boolean legacy = c.rootCerts().isEmpty();
            for (int i = 0; i < c.certChain().size(); i++) {
                String type = i == 0 ? "Leaf" : legacy && i == c.certChain().size() - 1 ? "Root" : "Intermediate";
                certRow(t, c.identity(), type, state, c.certChain().get(i), now);
            }
            for (ConfigDump.Cert root : c.rootCerts()) {
                certRow(t, c.identity(), "Root", state, root, now);
            }
        }
        return t.render();
    }

    private static void certRow(Table t, String identity, String type, String state, ConfigDump.Cert c, Instant now) {
        t.row(
                identity,
                type,
                state,
                String.valueOf(valid(c, now)),
                hexSerial(c.serialNumber()),
                orNA(c.expirationTime()),
                orNA(c.validFrom()));
    }

    /** The workload's or service's waypoint as a service name: matched by namespace/hostname or by VIP. */
    static String waypointName(String destination, List<ConfigDump.Service> services) {
        if (destination == null) {
            return "None";
        }
        for (ConfigDump.Service s : services) {
            if ((s.namespace() + "/" + s.hostname()).equals(destination)
                    || s.vips().contains(destination)) {
                return s.name();
            }
        }
        return "NA";
    }

    static boolean valid(ConfigDump.Cert c, Instant now) {
        if (c.expirationTime().isEmpty() && c.validFrom().isEmpty()) {
            return false;
        }
        try {
            return now.isBefore(Instant.parse(c.expirationTime())) && now.isAfter(Instant.parse(c.validFrom()));
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static String hexSerial(String decimal) {
        try {
            return new BigInteger(decimal).toString(16);
        } catch (NumberFormatException e) {
            return decimal.isEmpty() ? "NA" : decimal;
        }
    }

    private static String orNA(String v) {
        return v == null || v.isEmpty() ? "NA" : v;
    }
}
