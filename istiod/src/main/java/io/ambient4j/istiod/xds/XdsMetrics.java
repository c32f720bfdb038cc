package io.ambient4j.istiod.xds;

import io.ambient4j.istiod.ops.Metrics;

/**
 * The xDS metrics under upstream istiod's names and labels ({@code pilot/pkg/xds/monitoring.go},
 * {@code pkg/xds/monitoring.go}); the {@code type} label uses upstream's short forms {@code wds} (Address)
 * and {@code wads} (Authorization).
 */
public final class XdsMetrics {
    final Metrics.Gauge connected;
    final Metrics.Counter pushes;
    final Metrics.Counter rejects;
    final Metrics.Counter expiredNonce;
    final Metrics.Counter internalErrors;

    public XdsMetrics(Metrics registry) {
        connected = registry.gauge("pilot_xds", "Number of endpoints connected to this pilot using XDS.", "version");
        pushes = registry.counter("pilot_xds_pushes", "Pilot build and send errors for lds, rds, cds and eds.", "type");
        rejects = registry.counter(
                "pilot_total_xds_rejects", "Total number of XDS responses from pilot rejected by proxy.", "type");
        expiredNonce = registry.counter(
                "pilot_xds_expired_nonce", "Total number of XDS requests with an expired nonce.", "type");
        internalErrors =
                registry.counter("pilot_total_xds_internal_errors", "Total number of internal XDS errors in pilot.");
    }

    /** Upstream's metric label for a type URL. */
    public static String metricType(String typeUrl) {
        return switch (typeUrl) {
            case TypeUrls.ADDRESS, TypeUrls.WORKLOAD -> "wds";
            case TypeUrls.AUTHORIZATION -> "wads";
            default -> typeUrl;
        };
    }
}
