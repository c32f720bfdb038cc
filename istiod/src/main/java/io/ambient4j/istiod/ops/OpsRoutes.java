package io.ambient4j.istiod.ops;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * istiod's operational HTTP endpoints: {@code GET /metrics} on the monitoring port (15014), and
 * {@code GET /ready} plus {@code GET /debug/ambient} on the debug port (8080).
 *
 * <p>{@code /ready} answers 200 only when every readiness check passes (informers synced, CA loaded), so a
 * Kubernetes readiness probe keeps traffic away from an istiod that would serve an empty or partial config.
 */
public final class OpsRoutes {
    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final Supplier<String> readinessDetail;
    private final Supplier<String> ambientDump;
    private final Supplier<String> connectionsDump;

    /**
     * @param metrics the registry to expose
     * @param ready true when istiod may receive traffic
     * @param readinessDetail a one-line explanation of what is not ready yet
     * @param ambientDump the ambient index as JSON
     * @param connectionsDump the connected xDS streams as JSON
     */
    public OpsRoutes(
            Metrics metrics,
            BooleanSupplier ready,
            Supplier<String> readinessDetail,
            Supplier<String> ambientDump,
            Supplier<String> connectionsDump) {
        this.metrics = metrics;
        this.ready = ready;
        this.readinessDetail = readinessDetail;
        this.ambientDump = ambientDump;
        this.connectionsDump = connectionsDump;
    }

    /** Routes for the monitoring socket. */
    public void monitoring(HttpRouting.Builder r) {
        r.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.scrape());
        });
    }

    /** Routes for the debug socket. */
    public void debug(HttpRouting.Builder r) {
        r.get("/ready", (req, res) -> {
            if (ready.getAsBoolean()) {
                res.send("ready\n");
            } else {
                res.status(Status.SERVICE_UNAVAILABLE_503).send("not ready: " + readinessDetail.get() + "\n");
            }
        });
        r.get("/debug/ambient", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(ambientDump.get());
        });
        r.get("/debug/connections", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(connectionsDump.get());
        });
    }
}
