package io.ambient4j.ztunnel.config;

import java.time.Duration;

/** Upstream's defaults for the variables in {@link EnvNames} (ambient-spec §1.1). */
public final class Defaults {
    public static final String ISTIOD_ADDRESS = "https://istiod.istio-system.svc:15012";
    public static final String ROOT_CERT = "./var/run/secrets/istio/root-cert.pem";
    public static final String AUTH_TOKEN = "./var/run/secrets/tokens/istio-token";
    public static final String CLUSTER_ID = "Kubernetes";
    public static final String CLUSTER_DOMAIN = "cluster.local";
    public static final String TRUST_DOMAIN = "cluster.local";
    public static final String INPOD_UDS = "/var/run/ztunnel/ztunnel.sock";
    /** 0x539: sockets ztunnel opens inside a pod carry this mark so the pod's rules do not capture them again. */
    public static final int PACKET_MARK = 1337;
    /** ztunnel's own resolver configuration: the DNS proxy's upstream resolvers. */
    public static final String RESOLV_CONF = "/etc/resolv.conf";

    public static final Duration SECRET_TTL = Duration.ofHours(24);
    public static final int POOL_MAX_STREAMS = 100;
    public static final Duration POOL_UNUSED_RELEASE_TIMEOUT = Duration.ofMinutes(5);
    public static final int HTTP2_STREAM_WINDOW = 4 * 1024 * 1024;
    public static final int HTTP2_CONNECTION_WINDOW = 16 * 1024 * 1024;
    public static final int HTTP2_FRAME_SIZE = 1024 * 1024;
    public static final Duration KEEPALIVE_TIME = Duration.ofSeconds(180);
    public static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(180);
    public static final int KEEPALIVE_RETRIES = 9;
    public static final Duration CONNECTION_TERMINATION_DEADLINE = Duration.ofSeconds(5);

    private Defaults() {}
}
