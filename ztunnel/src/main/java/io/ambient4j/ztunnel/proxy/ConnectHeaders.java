package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.hbone.HboneHeaders;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The telemetry headers of an HBONE CONNECT and its reply (ambient-spec §2.2): {@code baggage} describing a workload,
 * {@code forwarded} with the client address and intended service, {@code traceparent} with a fresh per-connection
 * trace. Pure formatting, so the exact text is pinned by tests; none of it is trusted for security.
 */
public final class ConnectHeaders {
    private ConnectHeaders() {}

    /** The outbound CONNECT headers for a connection from {@code client} by {@code source}. */
    public static HboneHeaders request(
            Workload source, String clusterId, InetSocketAddress client, Optional<ServiceDescription> service) {
        return HboneHeaders.of(
                "baggage", baggage(source, clusterId),
                "forwarded", forwarded(client, service),
                "traceparent", traceparent());
    }

    /**
     * {@code k8s.cluster.name}, {@code k8s.namespace.name}, {@code k8s.<type>.name}, {@code service.name},
     * {@code service.version}, {@code cloud.region}, {@code cloud.availability_zone}; empty values are left out.
     */
    public static String baggage(Workload w, String clusterId) {
        List<String> kv = new ArrayList<>();
        String cluster = w.clusterId().isEmpty() ? clusterId : w.clusterId();
        add(kv, "k8s.cluster.name", cluster);
        add(kv, "k8s.namespace.name", w.namespace());
        add(kv, "k8s." + w.workloadType().name().toLowerCase(Locale.ROOT) + ".name", w.workloadName());
        add(kv, "service.name", w.canonicalName());
        add(kv, "service.version", w.canonicalRevision());
        if (w.locality() != null) {
            add(kv, "cloud.region", w.locality().region());
            add(kv, "cloud.availability_zone", w.locality().zone());
        }
        return String.join(",", kv);
    }

    /** {@code for="<ip:port>"}, plus {@code ;host=<service hostname>} when the intended service is known. */
    public static String forwarded(InetSocketAddress client, Optional<ServiceDescription> service) {
        return "for=\"" + Authority.of(client) + "\""
                + service.map(s -> ";host=" + s.hostname()).orElse("");
    }

    /** {@code 00-<32 hex trace id>-<16 hex span id>-00}. */
    public static String traceparent() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return "00-" + hex.toHexDigits(r.nextLong()) + hex.toHexDigits(r.nextLong()) + "-"
                + hex.toHexDigits(r.nextLong()) + "-00";
    }

    /** The {@code host=} of a {@code forwarded} header, if any (the service the caller meant). */
    public static Optional<String> forwardedHost(Optional<String> forwarded) {
        if (forwarded.isEmpty()) {
            return Optional.empty();
        }
        for (String element : forwarded.get().split("[;,]")) {
            String e = element.strip();
            if (e.regionMatches(true, 0, "host=", 0, 5)) {
                String v = e.substring(5);
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isEmpty() ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static void add(List<String> kv, String key, String value) {
        if (value != null && !value.isEmpty()) {
            kv.add(key + "=" + value);
        }
    }
}
