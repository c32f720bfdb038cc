package io.ambient4j.istiod;

import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.istiod.auth.TokenReviewAuthenticator;
import io.ambient4j.istiod.ca.CaReloader;
import io.ambient4j.istiod.ca.CaSecrets;
import io.ambient4j.istiod.ca.CaService;
import io.ambient4j.istiod.ca.PodIndex;
import io.ambient4j.istiod.ca.RootCertPublisher;
import io.ambient4j.istiod.ca.RootTransition;
import io.ambient4j.istiod.ca.ServingCertRotator;
import io.ambient4j.istiod.ca.ServingCertificate;
import io.ambient4j.istiod.ops.Metrics;
import io.ambient4j.istiod.ops.OpsRoutes;
import io.ambient4j.istiod.xds.DeltaAdsService;
import io.ambient4j.istiod.xds.ResourceSource;
import io.ambient4j.istiod.xds.XdsHub;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A running istiod: the CA (loaded or created from its Secret), the root-cert publisher, the node
 * authorizer's pod index, the delta ADS hub over the ambient index, and the listeners. Everything is wired
 * here explicitly, in start-up order, so there is no hidden container.
 */
public final class Istiod implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Istiod.class.getName());

    /**
     * The ambient index as istiod needs it.
     *
     * @param source resources and deltas for xDS
     * @param synced true once the index has seen every informer's initial list
     * @param dumpJson the index as JSON for {@code /debug/ambient}
     * @param stop stops the index's informers
     */
    public record Index(ResourceSource source, BooleanSupplier synced, Supplier<String> dumpJson, Runnable stop) {}

    /**
     * istiod's own serving certificate lifetime (capped by the CA's expiry); renewed at half-life and at once
     * when the CA changes.
     */
    static final Duration SERVING_TTL = Duration.ofHours(24);

    private final IstiodConfig config;
    private final AtomicReference<MeshCa> ca;
    private final Metrics metrics;
    private final XdsHub hub;
    private final List<AutoCloseable> toClose;
    private final IstiodServer server;
    private final Index index;

    private Istiod(
            IstiodConfig config,
            AtomicReference<MeshCa> ca,
            Metrics metrics,
            XdsHub hub,
            List<AutoCloseable> toClose,
            IstiodServer server,
            Index index) {
        this.config = config;
        this.ca = ca;
        this.metrics = metrics;
        this.hub = hub;
        this.toClose = toClose;
        this.server = server;
        this.index = index;
    }

    /** Loads the CA, starts the controllers and binds every port. */
    public static Istiod start(IstiodConfig config, KubernetesClient client, Index index) {
        Metrics metrics = new Metrics();
        CaSecrets.Loaded loaded =
                CaSecrets.load(client, config.namespace(), config.trustDomain(), config.selfSignedRootTtl());
        AtomicReference<MeshCa> ca = new AtomicReference<>(loaded.ca().withMaxTtl(config.maxWorkloadCertTtl()));
        Metrics.Gauge rootExpiry = metrics.gauge(
                "citadel_server_root_cert_expiry_timestamp",
                "The unix timestamp, in seconds, when the root cert will expire.");
        rootExpiry.set(ca.get().root().getNotAfter().toInstant().getEpochSecond());
        metrics.derivedGauge(
                "citadel_server_root_cert_expiry_seconds",
                "The time remaining, in seconds, before the root cert will expire. "
                        + "A negative value indicates the cert is expired.",
                () -> ca.get().root().getNotAfter().toInstant().getEpochSecond()
                        - java.time.Instant.now().getEpochSecond());

        List<AutoCloseable> started = new ArrayList<>();
        try {
            AtomicReference<RootTransition> roots = new AtomicReference<>(RootTransition.of(ca.get()));
            RootCertPublisher publisher =
                    new RootCertPublisher(client, () -> roots.get().publishedPem(java.time.Instant.now())).start();
            started.add(publisher);
            PodIndex pods = PodIndex.start(client);
            started.add(pods);
            var authenticator = new TokenReviewAuthenticator(client, config.clusterId(), config.tokenAudiences());
            XdsHub hub = new XdsHub(index.source(), metrics);
            var plaintextAds = new DeltaAdsService(hub, Optional.empty());
            var secureAds = new DeltaAdsService(hub, config.xdsAuth() ? Optional.of(authenticator) : Optional.empty());
            var caService = new CaService(
                    ca::get,
                    authenticator,
                    config.trustDomain(),
                    config.trustedNodeAccounts(),
                    pods,
                    metrics,
                    () -> roots.get().published(java.time.Instant.now()));
            List<String> dnsNames = ServingCertificate.defaultDnsNames(config.namespace());
            ServingCertRotator rotator =
                    new ServingCertRotator(ca::get, dnsNames, SERVING_TTL, java.time.Clock.systemUTC());
            ServingCertificate.Issued serving = rotator.issueInitial();

            BooleanSupplier ready = () -> index.synced().getAsBoolean() && pods.hasSynced() && publisher.hasSynced();
            Supplier<String> detail = () -> {
                List<String> waiting = new ArrayList<>();
                if (!index.synced().getAsBoolean()) {
                    waiting.add("ambient index informers");
                }
                if (!pods.hasSynced()) {
                    waiting.add("pod index");
                }
                if (!publisher.hasSynced()) {
                    waiting.add("root-cert publisher informers");
                }
                return "waiting for " + String.join(", ", waiting);
            };
            OpsRoutes ops = new OpsRoutes(metrics, ready, detail, index.dumpJson(), () -> Json.streams(hub));
            IstiodServer server = IstiodServer.start(new IstiodServer.Config(
                    config.host(),
                    config.xdsPort(),
                    config.secureXdsPort(),
                    config.monitoringPort(),
                    config.debugPort(),
                    List.of(plaintextAds),
                    List.of(secureAds, caService),
                    serving.key(),
                    serving.chain(),
                    ops));
            started.add(server::stop);
            rotator.start(fresh -> server.reloadServingCertificate(fresh.key(), fresh.chain()));
            started.add(rotator);
            CaReloader reloader = new CaReloader(
                            client,
                            config.namespace(),
                            () -> CaSecrets.loadExisting(client, config.namespace()),
                            ca::get,
                            next -> {
                                MeshCa capped = next.withMaxTtl(config.maxWorkloadCertTtl());
                                // Trust first (old and new roots), then sign with the new CA.
                                java.time.Instant now = java.time.Instant.now();
                                RootTransition t = roots.updateAndGet(
                                        r -> r.changedTo(capped, now, RootTransition.DEFAULT_PERIOD));
                                ca.set(capped);
                                rootExpiry.set(
                                        capped.root().getNotAfter().toInstant().getEpochSecond());
                                publisher.republishAll();
                                t.nextChange(now).ifPresent(publisher::republishAllAt);
                                rotator.caChanged();
                            })
                    .start();
            started.add(reloader);
            Istiod istiod =
                    new Istiod(config, ca, metrics, hub, List.copyOf(started).reversed(), server, index);
            LOG.log(
                    System.Logger.Level.INFO,
                    "istiod up: CA from " + loaded.origin() + ", xDS " + istiod.port(IstiodServer.GRPC_XDS)
                            + ", xDS+CA (TLS) " + istiod.port(IstiodServer.TLS_XDS) + ", metrics "
                            + istiod.port(IstiodServer.HTTP_MONITORING) + ", debug "
                            + istiod.port(IstiodServer.HTTP_DEBUG));
            return istiod;
        } catch (RuntimeException e) {
            closeAll(started.reversed());
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + c + " failed: " + e);
            }
        }
    }

    /** The bound port of one of {@link IstiodServer}'s sockets. */
    public int port(String socket) {
        return server.port(socket);
    }

    /** The CA currently signing (it changes when the {@code cacerts} Secret does). */
    public MeshCa ca() {
        return ca.get();
    }

    public Metrics metrics() {
        return metrics;
    }

    public XdsHub hub() {
        return hub;
    }

    public IstiodConfig config() {
        return config;
    }

    @Override
    public void close() {
        closeAll(toClose);
        index.stop().run();
    }

    /** Tiny JSON for the debug endpoints (no JSON library needed for two maps). */
    static final class Json {
        private Json() {}

        static String streams(XdsHub hub) {
            StringBuilder b = new StringBuilder("{\"connections\":[");
            boolean first = true;
            for (Map.Entry<String, Map<String, Integer>> e :
                    hub.describeStreams().entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append("{\"node\":").append(quote(e.getKey())).append(",\"held\":{");
                boolean f2 = true;
                for (var t : e.getValue().entrySet()) {
                    if (!f2) {
                        b.append(',');
                    }
                    f2 = false;
                    b.append(quote(t.getKey())).append(':').append(t.getValue());
                }
                b.append("}}");
            }
            return b.append("]}").toString();
        }

        static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
