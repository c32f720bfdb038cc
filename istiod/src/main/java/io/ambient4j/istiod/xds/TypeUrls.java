package io.ambient4j.istiod.xds;

/** The xDS type URLs ambient mode serves to ztunnel (upstream {@code pkg/model/xds.go}). */
public final class TypeUrls {
    public static final String ADDRESS = "type.googleapis.com/istio.workload.Address";
    public static final String AUTHORIZATION = "type.googleapis.com/istio.security.Authorization";
    /** Defined upstream, unused by ztunnel; not served. */
    public static final String WORKLOAD = "type.googleapis.com/istio.workload.Workload";

    private TypeUrls() {}
}
