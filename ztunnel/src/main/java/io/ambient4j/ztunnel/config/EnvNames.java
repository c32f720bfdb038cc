package io.ambient4j.ztunnel.config;

/** The environment variable names ztunnel reads (upstream {@code src/config.rs}); constants so tests and charts agree. */
public final class EnvNames {
    public static final String XDS_ADDRESS = "XDS_ADDRESS";
    public static final String CA_ADDRESS = "CA_ADDRESS";
    public static final String XDS_ROOT_CA = "XDS_ROOT_CA";
    public static final String CA_ROOT_CA = "CA_ROOT_CA";
    public static final String AUTH_TOKEN = "AUTH_TOKEN";
    public static final String ALT_XDS_HOSTNAME = "ALT_XDS_HOSTNAME";
    public static final String ALT_CA_HOSTNAME = "ALT_CA_HOSTNAME";
    public static final String XDS_HEADER_PREFIX = "XDS_HEADER_";
    public static final String CA_HEADER_PREFIX = "CA_HEADER_";
    public static final String CLUSTER_ID = "CLUSTER_ID";
    public static final String CLUSTER_DOMAIN = "CLUSTER_DOMAIN";
    public static final String TRUST_DOMAIN = "TRUST_DOMAIN";
    public static final String NETWORK = "NETWORK";
    public static final String NODE_NAME = "NODE_NAME";
    public static final String POD_NAME = "POD_NAME";
    public static final String POD_NAMESPACE = "POD_NAMESPACE";
    public static final String INSTANCE_IP = "INSTANCE_IP";
    public static final String SERVICE_ACCOUNT = "SERVICE_ACCOUNT";
    public static final String PROXY_MODE = "PROXY_MODE";
    public static final String PROXY_WORKLOAD_INFO = "PROXY_WORKLOAD_INFO";
    public static final String INPOD_UDS = "INPOD_UDS";
    public static final String PACKET_MARK = "PACKET_MARK";
    public static final String SECRET_TTL = "SECRET_TTL";
    public static final String XDS_ON_DEMAND = "XDS_ON_DEMAND";
    public static final String POOL_MAX_STREAMS_PER_CONNECTION = "POOL_MAX_STREAMS_PER_CONNECTION";
    public static final String POOL_UNUSED_RELEASE_TIMEOUT = "POOL_UNUSED_RELEASE_TIMEOUT";
    public static final String HTTP2_STREAM_WINDOW_SIZE = "HTTP2_STREAM_WINDOW_SIZE";
    public static final String HTTP2_CONNECTION_WINDOW_SIZE = "HTTP2_CONNECTION_WINDOW_SIZE";
    public static final String HTTP2_FRAME_SIZE = "HTTP2_FRAME_SIZE";
    public static final String KEEPALIVE_TIME = "KEEPALIVE_TIME";
    public static final String KEEPALIVE_INTERVAL = "KEEPALIVE_INTERVAL";
    public static final String KEEPALIVE_RETRIES = "KEEPALIVE_RETRIES";
    public static final String KEEPALIVE_ENABLED = "KEEPALIVE_ENABLED";
    public static final String TERMINATION_GRACE_PERIOD_SECONDS = "TERMINATION_GRACE_PERIOD_SECONDS";
    public static final String CONNECTION_TERMINATION_DEADLINE = "CONNECTION_TERMINATION_DEADLINE";
    public static final String ENABLE_ORIG_SRC = "ENABLE_ORIG_SRC";
    public static final String LOCALHOST_APP_TUNNEL = "LOCALHOST_APP_TUNNEL";
    public static final String TLS12_ENABLED = "TLS12_ENABLED";
    public static final String ENABLE_RESPONSE_BAGGAGE = "ENABLE_RESPONSE_BAGGAGE";
    public static final String LOG_FORMAT = "LOG_FORMAT";
    public static final String ISTIO_META_PREFIX = "ISTIO_META_";
    public static final String ISTIO_METAJSON_PREFIX = "ISTIO_METAJSON_";
    /** Proxy-metadata key (after the prefix) that turns the DNS proxy off when not {@code true}. */
    public static final String DNS_CAPTURE_METADATA = "DNS_CAPTURE";
    /** Proxy-metadata key (after the prefix) that moves the per-pod DNS proxy. */
    public static final String DNS_PROXY_ADDR_METADATA = "DNS_PROXY_ADDR";
    /** Ours (not upstream's): the resolv.conf whose nameservers the DNS proxy forwards to. */
    public static final String RESOLV_CONF = "AMBIENT4J_RESOLV_CONF";

    private EnvNames() {}
}
