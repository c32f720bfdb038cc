package io.ambient4j.ztunnel.config;

import io.ambient4j.ztunnel.config.ConfigException.Reason;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * ztunnel's start-up configuration, read and validated once from the environment (ambient-spec §1.1), so
 * that a typo in the DaemonSet stops the process at start with the variable's name instead of surfacing as
 * a wrong behaviour later. Every other component receives this record and never reads the environment.
 *
 * @param xdsAddress control plane for workload xDS ({@code XDS_ADDRESS})
 * @param caAddress control plane for certificates ({@code CA_ADDRESS})
 * @param xdsRootCa path (or inline PEM, or {@code SYSTEM}) of the root used to verify istiod for xDS
 * @param caRootCa same, for the CA connection
 * @param authToken path of the projected service-account JWT sent as {@code authorization: Bearer}
 * @param altXdsHostname TLS name expected from the xDS server, when it differs from the address
 * @param altCaHostname TLS name expected from the CA, when it differs from the address
 * @param xdsHeaders extra gRPC metadata for xDS ({@code XDS_HEADER_<k>}), keys lower-cased
 * @param caHeaders extra gRPC metadata for the CA ({@code CA_HEADER_<k>})
 * @param clusterId value of the {@code clusterid} header ({@code ISTIO_META_CLUSTER_ID} wins over {@code CLUSTER_ID})
 * @param clusterDomain DNS suffix of the cluster
 * @param trustDomain trust domain of ztunnel's own identity
 * @param network the local network name, "" for the default network
 * @param nodeName node this ztunnel runs on
 * @param podName ztunnel's pod name
 * @param podNamespace ztunnel's namespace
 * @param instanceIp ztunnel's pod IP, when known
 * @param serviceAccount ztunnel's service account
 * @param proxyMode shared (node) or dedicated (one workload)
 * @param proxyWorkloadInfo the workload of a dedicated proxy
 * @param inpodUds ZDS socket path
 * @param packetMark SO_MARK for in-pod sockets; absent only in dedicated mode without {@code PACKET_MARK}
 * @param secretTtl requested certificate validity
 * @param xdsOnDemand on-demand address lookups
 * @param dnsProxy whether the per-pod DNS proxy runs ({@code ISTIO_META_DNS_CAPTURE})
 * @param dnsProxyAddr where it listens in each pod ({@code ISTIO_META_DNS_PROXY_ADDR}, default {@code localhost:15053})
 * @param resolvConf ztunnel's resolver configuration, whose nameservers get the queries the mesh does not answer
 *     ({@code AMBIENT4J_RESOLV_CONF}, ours, default {@code /etc/resolv.conf}: a local mesh points it at a node's file)
 * @param poolMaxStreamsPerConnection HBONE streams per pooled HTTP/2 connection
 * @param poolUnusedReleaseTimeout idle time after which a pooled connection is released
 * @param http2StreamWindowSize HTTP/2 stream flow-control window
 * @param http2ConnectionWindowSize HTTP/2 connection flow-control window
 * @param http2FrameSize HTTP/2 max frame size
 * @param keepaliveTime TCP keepalive idle time
 * @param keepaliveInterval TCP keepalive probe interval
 * @param keepaliveRetries TCP keepalive probes before the connection is dropped
 * @param keepaliveEnabled whether TCP keepalive is set on sockets
 * @param connectionTerminationDeadline drain deadline on shutdown
 * @param enableOrigSrc {@code Optional.empty()} = best effort; true = required; false = never spoof the source
 * @param localhostAppTunnel PROXY-protocol app tunnels go to 127.0.0.1
 * @param tls12Enabled accept TLS 1.2 in addition to 1.3
 * @param enableResponseBaggage add {@code baggage} to the CONNECT 200 reply
 * @param logFormat plain or JSON logs
 * @param proxyMetadata {@code ISTIO_META_*} variables with the prefix stripped (node metadata for xDS)
 * @param proxyMetadataJson {@code ISTIO_METAJSON_*} variables with the prefix stripped (raw JSON text)
 */
public record Config(
        URI xdsAddress,
        URI caAddress,
        String xdsRootCa,
        String caRootCa,
        Path authToken,
        Optional<String> altXdsHostname,
        Optional<String> altCaHostname,
        Map<String, String> xdsHeaders,
        Map<String, String> caHeaders,
        String clusterId,
        String clusterDomain,
        String trustDomain,
        String network,
        String nodeName,
        String podName,
        String podNamespace,
        Optional<InetAddress> instanceIp,
        String serviceAccount,
        ProxyMode proxyMode,
        Optional<WorkloadInfo> proxyWorkloadInfo,
        Path inpodUds,
        Optional<Integer> packetMark,
        Duration secretTtl,
        boolean xdsOnDemand,
        boolean dnsProxy,
        DnsProxyAddress dnsProxyAddr,
        Path resolvConf,
        int poolMaxStreamsPerConnection,
        Duration poolUnusedReleaseTimeout,
        int http2StreamWindowSize,
        int http2ConnectionWindowSize,
        int http2FrameSize,
        Duration keepaliveTime,
        Duration keepaliveInterval,
        int keepaliveRetries,
        boolean keepaliveEnabled,
        Duration connectionTerminationDeadline,
        Optional<Boolean> enableOrigSrc,
        boolean localhostAppTunnel,
        boolean tls12Enabled,
        boolean enableResponseBaggage,
        LogFormat logFormat,
        Map<String, String> proxyMetadata,
        Map<String, String> proxyMetadataJson) {

    public Config {
        xdsHeaders = Map.copyOf(xdsHeaders);
        caHeaders = Map.copyOf(caHeaders);
        proxyMetadata = Map.copyOf(proxyMetadata);
        proxyMetadataJson = Map.copyOf(proxyMetadataJson);
    }

    /**
     * Reads and validates every variable of ambient-spec §1.1.
     *
     * @throws ConfigException naming the first variable whose value cannot be used
     */
    public static Config fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        Map<String, String> meta = r.withPrefix(EnvNames.ISTIO_META_PREFIX);
        String clusterId = Optional.ofNullable(meta.get(EnvNames.CLUSTER_ID))
                .filter(s -> !s.isEmpty())
                .orElse(r.string(EnvNames.CLUSTER_ID, Defaults.CLUSTER_ID));

        ProxyMode mode = r.string(EnvNames.PROXY_MODE)
                .map(v -> switch (v) {
                    case "shared" -> ProxyMode.SHARED;
                    case "dedicated" -> ProxyMode.DEDICATED;
                    default ->
                        throw new ConfigException(
                                EnvNames.PROXY_MODE, v, Reason.OUT_OF_RANGE, "must be shared or dedicated");
                })
                .orElse(ProxyMode.SHARED);
        Optional<WorkloadInfo> workloadInfo = Optional.empty();
        if (mode == ProxyMode.DEDICATED) {
            String raw = r.string(EnvNames.PROXY_WORKLOAD_INFO)
                    .orElseThrow(() -> new ConfigException(
                            EnvNames.PROXY_WORKLOAD_INFO,
                            null,
                            Reason.INCONSISTENT,
                            "required when PROXY_MODE=dedicated"));
            String[] parts = raw.split("/", 3);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw new ConfigException(
                        EnvNames.PROXY_WORKLOAD_INFO, raw, Reason.MALFORMED, "expected namespace/name/service-account");
            }
            workloadInfo = Optional.of(new WorkloadInfo(parts[0], parts[1], parts[2]));
        }

        Optional<Integer> mark = r.number(EnvNames.PACKET_MARK, 0, 0xFFFF_FFFFL)
                .map(Long::intValue)
                .or(() -> mode == ProxyMode.SHARED ? Optional.of(Defaults.PACKET_MARK) : Optional.empty());

        boolean dnsProxy = Optional.ofNullable(meta.get(EnvNames.DNS_CAPTURE_METADATA))
                .map(v -> v.toLowerCase(Locale.ROOT).equals("true"))
                .orElse(true);
        boolean onDemand = r.bool(EnvNames.XDS_ON_DEMAND, false);
        if (onDemand && dnsProxy) {
            throw new ConfigException(
                    EnvNames.XDS_ON_DEMAND,
                    "true",
                    Reason.INCONSISTENT,
                    "the DNS proxy does not support on-demand xDS; set ISTIO_META_DNS_CAPTURE=false");
        }

        LogFormat logFormat = r.string(EnvNames.LOG_FORMAT)
                .map(v -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "plain" -> LogFormat.PLAIN;
                    case "json" -> LogFormat.JSON;
                    default ->
                        throw new ConfigException(EnvNames.LOG_FORMAT, v, Reason.OUT_OF_RANGE, "must be plain or json");
                })
                .orElse(LogFormat.PLAIN);

        Duration secretTtl = r.duration(EnvNames.SECRET_TTL, Defaults.SECRET_TTL);
        if (secretTtl.isZero() || secretTtl.isNegative()) {
            throw new ConfigException(
                    EnvNames.SECRET_TTL, r.string(EnvNames.SECRET_TTL, ""), Reason.OUT_OF_RANGE, "must be positive");
        }

        return new Config(
                r.uri(EnvNames.XDS_ADDRESS, Defaults.ISTIOD_ADDRESS),
                r.uri(EnvNames.CA_ADDRESS, Defaults.ISTIOD_ADDRESS),
                r.string(EnvNames.XDS_ROOT_CA, Defaults.ROOT_CERT),
                r.string(EnvNames.CA_ROOT_CA, Defaults.ROOT_CERT),
                Path.of(r.string(EnvNames.AUTH_TOKEN, Defaults.AUTH_TOKEN)),
                r.string(EnvNames.ALT_XDS_HOSTNAME),
                r.string(EnvNames.ALT_CA_HOSTNAME),
                r.headers(EnvNames.XDS_HEADER_PREFIX),
                r.headers(EnvNames.CA_HEADER_PREFIX),
                clusterId,
                validClusterDomain(r.string(EnvNames.CLUSTER_DOMAIN, Defaults.CLUSTER_DOMAIN)),
                r.string(EnvNames.TRUST_DOMAIN, Defaults.TRUST_DOMAIN),
                r.string(EnvNames.NETWORK, ""),
                r.string(EnvNames.NODE_NAME, ""),
                r.string(EnvNames.POD_NAME, ""),
                r.string(EnvNames.POD_NAMESPACE, ""),
                r.ip(EnvNames.INSTANCE_IP),
                r.string(EnvNames.SERVICE_ACCOUNT, ""),
                mode,
                workloadInfo,
                Path.of(r.string(EnvNames.INPOD_UDS, Defaults.INPOD_UDS)),
                mark,
                secretTtl,
                onDemand,
                dnsProxy,
                dnsProxyAddress(meta.get(EnvNames.DNS_PROXY_ADDR_METADATA)),
                Path.of(r.string(EnvNames.RESOLV_CONF, Defaults.RESOLV_CONF)),
                r.integer(EnvNames.POOL_MAX_STREAMS_PER_CONNECTION, Defaults.POOL_MAX_STREAMS, 1, 65535),
                positive(r, EnvNames.POOL_UNUSED_RELEASE_TIMEOUT, Defaults.POOL_UNUSED_RELEASE_TIMEOUT),
                r.integer(EnvNames.HTTP2_STREAM_WINDOW_SIZE, Defaults.HTTP2_STREAM_WINDOW, 65535, Integer.MAX_VALUE),
                r.integer(
                        EnvNames.HTTP2_CONNECTION_WINDOW_SIZE,
                        Defaults.HTTP2_CONNECTION_WINDOW,
                        65535,
                        Integer.MAX_VALUE),
                // RFC 9113 §6.5.2: SETTINGS_MAX_FRAME_SIZE lies in [2^14, 2^24-1].
                r.integer(EnvNames.HTTP2_FRAME_SIZE, Defaults.HTTP2_FRAME_SIZE, 16_384, 16_777_215),
                positive(r, EnvNames.KEEPALIVE_TIME, Defaults.KEEPALIVE_TIME),
                positive(r, EnvNames.KEEPALIVE_INTERVAL, Defaults.KEEPALIVE_INTERVAL),
                r.integer(EnvNames.KEEPALIVE_RETRIES, Defaults.KEEPALIVE_RETRIES, 1, 255),
                r.bool(EnvNames.KEEPALIVE_ENABLED, true),
                terminationDeadline(r),
                r.bool(EnvNames.ENABLE_ORIG_SRC),
                r.bool(EnvNames.LOCALHOST_APP_TUNNEL, true),
                r.bool(EnvNames.TLS12_ENABLED, false),
                r.bool(EnvNames.ENABLE_RESPONSE_BAGGAGE, true),
                logFormat,
                meta,
                r.withPrefix(EnvNames.ISTIO_METAJSON_PREFIX));
    }

    private static final java.util.regex.Pattern DNS_LABEL =
            java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    /** The cluster's DNS suffix must be a valid domain name: the DNS proxy appends it to names. */
    static String validClusterDomain(String v) {
        String d = v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
        if (d.isEmpty()
                || d.length() > 253
                || !java.util.Arrays.stream(d.split("\\.", -1))
                        .allMatch(l -> DNS_LABEL.matcher(l).matches())) {
            throw new ConfigException(EnvNames.CLUSTER_DOMAIN, v, Reason.MALFORMED, "not a valid DNS domain");
        }
        return d;
    }

    /** {@code localhost:<port>} or {@code <ip>:<port>} / {@code [<ip6>]:<port>}; never resolves a name. */
    static DnsProxyAddress dnsProxyAddress(String raw) {
        String name = EnvNames.ISTIO_META_PREFIX + EnvNames.DNS_PROXY_ADDR_METADATA;
        if (raw == null || raw.isEmpty()) {
            return DnsProxyAddress.DEFAULT;
        }
        int colon = raw.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(name, raw, Reason.MALFORMED, "expected localhost:<port> or <ip>:<port>");
        }
        String host = raw.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(raw.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, Reason.MALFORMED, "the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException(name, raw, Reason.OUT_OF_RANGE, "port must be between 1 and 65535");
        }
        if (host.equals("localhost")) {
            return new DnsProxyAddress(Optional.empty(), port);
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.contains(":") && !host.startsWith("[")) {
            throw new ConfigException(name, raw, Reason.MALFORMED, "an IPv6 address needs brackets: [ip]:port");
        }
        InetAddress ip = new EnvReader(Map.of(name, literal))
                .ip(name)
                .orElseThrow(() -> new ConfigException(name, raw, Reason.MALFORMED, "no address before the port"));
        return new DnsProxyAddress(Optional.of(ip), port);
    }

    private static Duration positive(EnvReader r, String name, Duration dflt) {
        Duration d = r.duration(name, dflt);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(name, r.string(name, ""), Reason.OUT_OF_RANGE, "must be positive");
        }
        return d;
    }

    /**
     * {@code CONNECTION_TERMINATION_DEADLINE} if set; else {@code TERMINATION_GRACE_PERIOD_SECONDS} minus 5s (minus 1s
     * when it is 10s or less), at least 1s; else 5s. Draining then ends before the kubelet's SIGKILL.
     */
    static Duration terminationDeadline(EnvReader r) {
        Optional<Duration> explicit = r.duration(EnvNames.CONNECTION_TERMINATION_DEADLINE);
        if (explicit.isPresent()) {
            return explicit.get();
        }
        return r.number(EnvNames.TERMINATION_GRACE_PERIOD_SECONDS, 0, Integer.MAX_VALUE)
                .map(secs -> Duration.ofSeconds(Math.max(secs > 10 ? secs - 5 : secs - 1, 1)))
                .orElse(Defaults.CONNECTION_TERMINATION_DEADLINE);
    }
}
