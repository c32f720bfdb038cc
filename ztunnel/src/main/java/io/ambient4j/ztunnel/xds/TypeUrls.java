package io.ambient4j.ztunnel.xds;

/** The two delta-xDS types ztunnel subscribes to (ambient-spec §3.1). */
public final class TypeUrls {
    public static final String ADDRESS = "type.googleapis.com/istio.workload.Address";
    public static final String AUTHORIZATION = "type.googleapis.com/istio.security.Authorization";

    private TypeUrls() {}
}
