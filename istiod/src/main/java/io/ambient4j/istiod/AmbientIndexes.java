package io.ambient4j.istiod;

import io.ambient4j.istiod.ambient.MeshSettings;
import io.ambient4j.istiod.kube.AmbientController;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Starts the ambient index (informers → index → {@code ResourceSource}) in the shape {@link Istiod} takes. */
public final class AmbientIndexes {
    private static final System.Logger LOG = System.getLogger(AmbientIndexes.class.getName());

    private AmbientIndexes() {}

    /** Starts the controller's informers; readiness turns true once they have synced. */
    public static Istiod.Index start(IstiodConfig config, KubernetesClient client) {
        MeshSettings mesh = new MeshSettings(
                config.clusterId(),
                config.trustDomain(),
                config.namespace(),
                "",
                MeshSettings.DEFAULT_DOMAIN_SUFFIX,
                MeshSettings.DEFAULT_REVISION,
                config.autoAllowWaypointPolicy());
        AmbientController controller = new AmbientController(mesh);
        controller.start(client);
        AtomicBoolean synced = new AtomicBoolean();
        Thread.ofVirtual().name("ambient-sync-wait").start(() -> {
            try {
                while (!controller.awaitSynced(Duration.ofSeconds(30))) {
                    LOG.log(System.Logger.Level.WARNING, "ambient index not synced after 30s; still waiting");
                }
                synced.set(true);
                LOG.log(System.Logger.Level.INFO, "ambient index synced");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IllegalStateException e) {
                // istiod stopped the index while it was still syncing: nothing to wait for any more.
                LOG.log(System.Logger.Level.DEBUG, "ambient index stopped before it synced: " + e.getMessage());
            }
        });
        return new Istiod.Index(controller.source(), synced::get, controller::dumpJson, controller::stop);
    }
}
