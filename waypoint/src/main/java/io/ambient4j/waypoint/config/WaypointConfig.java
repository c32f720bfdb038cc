package io.ambient4j.waypoint.config;

import io.ambient4j.common.identity.SpiffeId;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The waypoint's typed configuration, read once at start from the environment istiod's waypoint Deployment sets
 * (the same variables upstream's pilot-agent reads) plus overrides for running outside Kubernetes. See
 * {@code waypoint/README.md} for the table.
 */
public record WaypointConfig(
        String podName,
        String podNamespace,
        InetAddress instanceIp,
        String serviceAccount,
        String trustDomain,
        String clusterId,
        String network,
        String workloadName,
        URI xdsAddress,
        URI caAddress,
        String xdsRootCa,
        String caRootCa,
        Path token,
        InetAddress listenAddress,
        int hbonePort,
        int upstreamHbonePort,
        int statsPort,
        int readinessPort,
        int adminPort,
        Duration drainDeadline,
        Duration secretTtl,
        Map<String, String> proxyMetadata,
        Path podLabels) {

    public WaypointConfig {
        proxyMetadata = Map.copyOf(proxyMetadata);
    }

    public static final String DEFAULT_DISCOVERY = "istiod.istio-system.svc:15012";
    public static final String DEFAULT_TOKEN = "/var/run/secrets/tokens/istio-token";
    public static final String DEFAULT_ROOT_CA = "/var/run/secrets/istio/root-cert.pem";
    /** The downward-API file of the pod's labels (the Deployment's {@code istio-podinfo} volume). */
    public static final String DEFAULT_POD_LABELS = "/etc/istio/pod/labels";

    public static final int HBONE_PORT = 15008;
    public static final int STATS_PORT = 15020;
    public static final int READINESS_PORT = 15021;
    public static final int ADMIN_PORT = 15000;

    /** The identity this waypoint's certificate carries. */
    public SpiffeId identity() {
        return new SpiffeId(trustDomain, podNamespace, serviceAccount);
    }

    /** pilot-agent's flags for {@code proxy waypoint}; accepted and ignored (the waypoint has no Envoy to pass them to). */
    static final List<String> IGNORED_FLAGS = List.of(
            "--domain",
            "--serviceCluster",
            "--proxyLogLevel",
            "--proxyComponentLogLevel",
            "--log_output_level",
            "--log_as_json",
            "--concurrency",
            "--stsPort",
            "--outlierLogPath",
            "--templateFile",
            "--tokenManagerPlugin");

    /**
     * Checks pilot-agent's arguments: {@code proxy waypoint} (or {@code proxy router}) followed by known flags.
     *
     * @throws ConfigException naming the first argument it does not know
     */
    public static void checkArgs(List<String> args) throws ConfigException {
        int i = 0;
        if (args.size() >= 1 && args.get(0).equals("proxy")) {
            i = 1;
            if (args.size() >= 2 && List.of("sidecar", "router").contains(args.get(1))) {
                // The image carries upstream's name proxyv2, which upstream also runs as sidecar and gateway.
                throw new ConfigException(
                        ConfigException.Reason.UNKNOWN_ARGUMENT,
                        "`proxy " + args.get(1) + "`: ambient4j's proxyv2 image runs waypoints only (`proxy waypoint`);"
                                + " sidecars and gateways are not part of ambient4j");
            }
            if (args.size() < 2 || !args.get(1).equals("waypoint")) {
                throw new ConfigException(
                        ConfigException.Reason.UNKNOWN_ARGUMENT,
                        "expected `proxy waypoint [flags]`, got `" + String.join(" ", args) + "`");
            }
            i = 2;
        }
        while (i < args.size()) {
            String a = args.get(i);
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (flag.startsWith("--") && IGNORED_FLAGS.contains(flag)
                    || flag.startsWith("-") && flag.length() > 1 && IGNORED_FLAGS.contains("-" + flag)) {
                i += a.contains("=") || i + 1 >= args.size() || args.get(i + 1).startsWith("--") ? 1 : 2;
                continue;
            }
            throw new ConfigException(
                    ConfigException.Reason.UNKNOWN_ARGUMENT,
                    "unknown argument `" + a + "` (the waypoint accepts pilot-agent's `proxy waypoint` flags: "
                            + String.join(", ", IGNORED_FLAGS) + ")");
        }
    }

    /** Reads and validates every setting; the first problem is reported by variable name. */
    public static WaypointConfig fromEnv(Map<String, String> env) throws ConfigException {
        String ns = required(env, "POD_NAMESPACE");
        String pod = required(env, "POD_NAME");
        String sa = env.getOrDefault("SERVICE_ACCOUNT", env.getOrDefault("ISTIO_META_SERVICE_ACCOUNT", ""));
        if (sa.isBlank()) {
            throw new ConfigException(ConfigException.Reason.MISSING, "SERVICE_ACCOUNT is not set");
        }
        String td = env.getOrDefault("TRUST_DOMAIN", SpiffeId.DEFAULT_TRUST_DOMAIN);
        td = td.isBlank() ? SpiffeId.DEFAULT_TRUST_DOMAIN : td;
        InetAddress ip = address(env, "INSTANCE_IP", null);
        String discovery = env.get("PILOT_DISCOVERY_ADDRESS");
        if (discovery == null || discovery.isBlank()) {
            discovery =
                    proxyConfigDiscovery(env.getOrDefault("PROXY_CONFIG", "")).orElse(DEFAULT_DISCOVERY);
        }
        URI xds = grpcUri("PILOT_DISCOVERY_ADDRESS", discovery);
        String ca = env.getOrDefault("CA_ADDR", "");
        URI caUri = ca.isBlank() ? xds : grpcUri("CA_ADDR", ca);
        String rootCa = env.getOrDefault("XDS_ROOT_CA", DEFAULT_ROOT_CA);
        WaypointConfig cfg = new WaypointConfig(
                pod,
                ns,
                ip,
                sa,
                td,
                env.getOrDefault("ISTIO_META_CLUSTER_ID", "Kubernetes"),
                env.getOrDefault("ISTIO_META_NETWORK", ""),
                env.getOrDefault("ISTIO_META_WORKLOAD_NAME", pod),
                xds,
                caUri,
                rootCa,
                env.getOrDefault("CA_ROOT_CA", rootCa),
                Path.of(env.getOrDefault("AUTH_TOKEN", DEFAULT_TOKEN)),
                address(env, "WAYPOINT_LISTEN_ADDRESS", InetAddress.ofLiteral("0.0.0.0")),
                port(env, "WAYPOINT_HBONE_PORT", HBONE_PORT),
                port(env, "WAYPOINT_UPSTREAM_HBONE_PORT", HBONE_PORT),
                port(env, "WAYPOINT_STATS_PORT", STATS_PORT),
                port(env, "WAYPOINT_READINESS_PORT", READINESS_PORT),
                port(env, "WAYPOINT_ADMIN_PORT", ADMIN_PORT),
                duration(env, "TERMINATION_DRAIN_DURATION", Duration.ofSeconds(5)),
                duration(env, "SECRET_TTL", Duration.ofHours(24)),
                metadata(env),
                Path.of(env.getOrDefault("WAYPOINT_POD_LABELS", DEFAULT_POD_LABELS)));
        return cfg;
    }

    /** {@code ISTIO_META_<KEY>} → {@code <KEY>}, as pilot-agent puts them into the node metadata. */
    static Map<String, String> metadata(Map<String, String> env) {
        Map<String, String> md = new java.util.TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("ISTIO_META_") && k.length() > "ISTIO_META_".length()) {
                md.put(k.substring("ISTIO_META_".length()), v);
            }
        });
        return md;
    }

    private static String required(Map<String, String> env, String name) throws ConfigException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new ConfigException(ConfigException.Reason.MISSING, name + " is not set");
        }
        return v.strip();
    }

    private static InetAddress address(Map<String, String> env, String name, InetAddress dflt) throws ConfigException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            if (dflt == null) {
                throw new ConfigException(ConfigException.Reason.MISSING, name + " is not set");
            }
            return dflt;
        }
        try {
            return InetAddress.ofLiteral(v.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigException.Reason.INVALID, name + "=" + v + " is not an IP address");
        }
    }

    private static int port(Map<String, String> env, String name, int dflt) throws ConfigException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int p = Integer.parseInt(v.strip());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException(ConfigException.Reason.INVALID, name + "=" + v + " is not a port (0-65535)");
        }
    }

    /** Go durations as pilot-agent writes them: {@code 5s}, {@code 500ms}, {@code 1m}, {@code 24h}, {@code 1h30m}. */
    static Duration duration(Map<String, String> env, String name, Duration dflt) throws ConfigException {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(v.strip());
        Duration d = Duration.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    });
            at = m.end();
        }
        if (at == 0 || at != v.strip().length()) {
            throw new ConfigException(
                    ConfigException.Reason.INVALID, name + "=" + v + " is not a duration such as 5s, 500ms or 24h");
        }
        return d;
    }

    /** {@code host:port} as pilot-agent takes it (TLS), or a full {@code https://} / {@code http://} URI. */
    static URI grpcUri(String name, String v) throws ConfigException {
        String s = v.strip();
        if (!s.contains("://")) {
            s = "https://" + s;
        }
        try {
            URI u = new URI(s);
            if (u.getHost() == null
                    || u.getPort() <= 0
                    || !List.of("http", "https").contains(u.getScheme())) {
                throw new java.net.URISyntaxException(s, "needs host:port");
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(ConfigException.Reason.INVALID, name + "=" + v + " is not host:port");
        }
    }

    /** {@code discoveryAddress} from pilot-agent's PROXY_CONFIG (JSON or YAML, one line of it is enough). */
    static Optional<String> proxyConfigDiscovery(String proxyConfig) {
        Matcher m = Pattern.compile("\"?discoveryAddress\"?\\s*:\\s*\"?([^\",}\\s]+)")
                .matcher(proxyConfig);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
