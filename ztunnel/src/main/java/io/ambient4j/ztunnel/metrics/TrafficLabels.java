package io.ambient4j.ztunnel.metrics;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The label set of the four TCP metrics, in upstream's emission order, with {@code unknown} for anything missing.
 * Dashboards and Kiali match on these exact names. Locality labels appear only once a source or destination
 * workload is known, as upstream does.
 */
public final class TrafficLabels {
    /** Label names in emission order, locality last. */
    public static final List<String> NAMES = List.of(
            "reporter",
            "source_workload",
            "source_canonical_service",
            "source_canonical_revision",
            "source_workload_namespace",
            "source_principal",
            "source_app",
            "source_version",
            "source_cluster",
            "destination_service",
            "destination_service_namespace",
            "destination_service_name",
            "destination_workload",
            "destination_canonical_service",
            "destination_canonical_revision",
            "destination_workload_namespace",
            "destination_principal",
            "destination_app",
            "destination_version",
            "destination_cluster",
            "request_protocol",
            "response_flags",
            "connection_security_policy",
            "source_region",
            "source_zone",
            "destination_region",
            "destination_zone");

    static final String UNKNOWN = "unknown";
    private static final int WITHOUT_LOCALITY = NAMES.size() - 4;

    private TrafficLabels() {}

    /** Label values for the given flags (opened uses {@code -}; closed uses the final flags). */
    public static List<String> values(ConnectionResult c, ResponseFlags flags) {
        Optional<Workload> src = c.source();
        Optional<Workload> dst = c.destination();
        Optional<ServiceDescription> svc = c.destinationService();
        List<String> v = new ArrayList<>(NAMES.size());
        v.add(c.reporter().label());
        v.add(s(src, Workload::workloadName));
        v.add(s(src, Workload::canonicalName));
        v.add(s(src, Workload::canonicalRevision));
        v.add(s(src, Workload::namespace));
        v.add(c.sourcePrincipal().map(SpiffeId::uri).orElse(UNKNOWN));
        v.add(s(src, Workload::canonicalName));
        v.add(s(src, Workload::canonicalRevision));
        v.add(s(src, Workload::clusterId));
        v.add(s(svc, ServiceDescription::hostname));
        v.add(s(svc, ServiceDescription::namespace));
        v.add(s(svc, ServiceDescription::name));
        v.add(s(dst, Workload::workloadName));
        v.add(s(dst, Workload::canonicalName));
        v.add(s(dst, Workload::canonicalRevision));
        v.add(s(dst, Workload::namespace));
        v.add(dst.map(w -> w.identity().uri()).orElse(UNKNOWN));
        v.add(s(dst, Workload::canonicalName));
        v.add(s(dst, Workload::canonicalRevision));
        v.add(s(dst, Workload::clusterId));
        v.add("tcp");
        v.add(flags.label());
        v.add(c.securityPolicy().label());
        if (src.isPresent() || dst.isPresent()) {
            v.add(s(src, w -> w.locality().region()));
            v.add(s(src, w -> w.locality().zone()));
            v.add(s(dst, w -> w.locality().region()));
            v.add(s(dst, w -> w.locality().zone()));
        }
        return List.copyOf(v);
    }

    /** The names matching {@link #values}: with or without the four locality labels. */
    static List<String> names(int count) {
        return count == NAMES.size() ? NAMES : NAMES.subList(0, WITHOUT_LOCALITY);
    }

    private static <T> String s(Optional<T> o, Function<T, String> f) {
        return o.map(f).filter(x -> !x.isEmpty()).orElse(UNKNOWN);
    }
}
