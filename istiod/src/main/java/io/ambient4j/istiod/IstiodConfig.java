package io.ambient4j.istiod;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * istiod's settings, read once at start-up from upstream's environment variable names, with command-line
 * flags for what a developer changes by hand. Invalid values fail start-up with a message naming the setting.
 *
 * @param apiServer how to reach Kubernetes
 * @param kubeconfig explicit kubeconfig file ({@code --kubeconfig}); otherwise fabric8's auto-configuration
 *     ({@code KUBECONFIG}, {@code ~/.kube/config}, in-cluster service account)
 * @param host bind address
 * @param xdsPort plaintext xDS (15010)
 * @param secureXdsPort TLS xDS + CA (15012)
 * @param monitoringPort Prometheus (15014)
 * @param debugPort readiness and debug (8080)
 * @param namespace istiod's namespace ({@code POD_NAMESPACE}, default {@code istio-system})
 * @param trustDomain mesh trust domain ({@code TRUST_DOMAIN}, default {@code cluster.local})
 * @param clusterId this cluster ({@code CLUSTER_ID}, default {@code Kubernetes})
 * @param trustedNodeAccounts {@code CA_TRUSTED_NODE_ACCOUNTS} ({@code ns/sa,...}, default
 *     {@code istio-system/ztunnel})
 * @param xdsAuth {@code XDS_AUTH}: require a bearer token on the TLS xDS port (default true)
 * @param tokenAudiences {@code TOKEN_AUDIENCES} (default {@code istio-ca})
 * @param maxWorkloadCertTtl {@code MAX_WORKLOAD_CERT_TTL} (default 90 days)
 * @param selfSignedRootTtl {@code CITADEL_SELF_SIGNED_CA_CERT_TTL} (default 10 years)
 * @param autoAllowWaypointPolicy {@code PILOT_AUTO_ALLOW_WAYPOINT_POLICY} (default false)
 */
public record IstiodConfig(
        ApiServer apiServer,
        Optional<Path> kubeconfig,
        String host,
        int xdsPort,
        int secureXdsPort,
        int monitoringPort,
        int debugPort,
        String namespace,
        String trustDomain,
        String clusterId,
        Set<String> trustedNodeAccounts,
        boolean xdsAuth,
        List<String> tokenAudiences,
        Duration maxWorkloadCertTtl,
        Duration selfSignedRootTtl,
        boolean autoAllowWaypointPolicy) {

    /** Where the Kubernetes API comes from. */
    public enum ApiServer {
        /** A real cluster: kubeconfig or in-cluster. */
        CLUSTER,
        /** fabric8's CRUD mock API server, in this process ({@code --embedded}). */
        EMBEDDED
    }

    public IstiodConfig {
        trustedNodeAccounts = Set.copyOf(trustedNodeAccounts);
        tokenAudiences = List.copyOf(tokenAudiences);
        for (String a : trustedNodeAccounts) {
            String[] p = a.split("/", -1);
            if (p.length != 2 || p[0].isEmpty() || p[1].isEmpty()) {
                throw new IllegalArgumentException(
                        "CA_TRUSTED_NODE_ACCOUNTS entry '" + a + "' is not of the form <namespace>/<serviceaccount>");
            }
        }
    }

    /** Upstream's defaults with every port as in the istiod chart. */
    public static IstiodConfig defaults() {
        return parse(new String[0], Map.of());
    }

    /** The same settings on ephemeral loopback ports, for tests and the demo. */
    public IstiodConfig onEphemeralLoopbackPorts() {
        return new IstiodConfig(
                apiServer,
                kubeconfig,
                "127.0.0.1",
                0,
                0,
                0,
                0,
                namespace,
                trustDomain,
                clusterId,
                trustedNodeAccounts,
                xdsAuth,
                tokenAudiences,
                maxWorkloadCertTtl,
                selfSignedRootTtl,
                autoAllowWaypointPolicy);
    }

    /**
     * Parses flags and environment.
     *
     * @throws IllegalArgumentException naming the bad flag or variable
     */
    public static IstiodConfig parse(String[] args, Map<String, String> env) {
        ApiServer api = ApiServer.CLUSTER;
        Optional<Path> kubeconfig = Optional.empty();
        String host = env.getOrDefault("ISTIOD_BIND_ADDRESS", "0.0.0.0");
        int xds = 15010;
        int secure = 15012;
        int monitoring = 15014;
        int debug = 8080;
        List<String> a = Arrays.asList(args);
        for (int i = 0; i < a.size(); i++) {
            String flag = a.get(i);
            switch (flag) {
                case "--embedded" -> api = ApiServer.EMBEDDED;
                case "--kubeconfig" -> kubeconfig = Optional.of(Path.of(value(a, ++i, flag)));
                case "--host" -> host = value(a, ++i, flag);
                case "--grpc-port" -> xds = port(value(a, ++i, flag), flag);
                case "--secure-grpc-port" -> secure = port(value(a, ++i, flag), flag);
                case "--monitoring-port" -> monitoring = port(value(a, ++i, flag), flag);
                case "--http-port" -> debug = port(value(a, ++i, flag), flag);
                default ->
                    throw new IllegalArgumentException("unknown flag '" + flag + "'; known: --embedded, "
                            + "--kubeconfig, --host, --grpc-port, --secure-grpc-port, --monitoring-port, --http-port");
            }
        }
        Set<String> trusted = new LinkedHashSet<>();
        for (String s : env.getOrDefault("CA_TRUSTED_NODE_ACCOUNTS", "istio-system/ztunnel")
                .split(",")) {
            if (!s.isBlank()) {
                trusted.add(s.trim());
            }
        }
        return new IstiodConfig(
                api,
                kubeconfig,
                host,
                xds,
                secure,
                monitoring,
                debug,
                env.getOrDefault("POD_NAMESPACE", "istio-system"),
                env.getOrDefault("TRUST_DOMAIN", "cluster.local"),
                env.getOrDefault("CLUSTER_ID", "Kubernetes"),
                trusted,
                bool(env.getOrDefault("XDS_AUTH", "true"), "XDS_AUTH"),
                List.of(env.getOrDefault("TOKEN_AUDIENCES", "istio-ca").split(",")),
                duration(env.getOrDefault("MAX_WORKLOAD_CERT_TTL", "2160h"), "MAX_WORKLOAD_CERT_TTL"),
                duration(
                        env.getOrDefault("CITADEL_SELF_SIGNED_CA_CERT_TTL", "87600h"),
                        "CITADEL_SELF_SIGNED_CA_CERT_TTL"),
                bool(
                        env.getOrDefault("PILOT_AUTO_ALLOW_WAYPOINT_POLICY", "false"),
                        "PILOT_AUTO_ALLOW_WAYPOINT_POLICY"));
    }

    private static String value(List<String> a, int i, String flag) {
        if (i >= a.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return a.get(i);
    }

    private static int port(String v, String name) {
        try {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number 0-65535, got '" + v + "'", e);
        }
    }

    private static boolean bool(String v, String name) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        };
    }

    /** Go-style durations as upstream uses them: {@code 24h}, {@code 90m}, {@code 30s}. */
    static Duration duration(String v, String name) {
        try {
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a duration like 24h, got '" + v + "'", e);
        }
        throw new IllegalArgumentException(name + " must be a duration like 24h, 90m or 30s, got '" + v + "'");
    }
}
