package io.ambient4j.ztunnel;

import io.ambient4j.common.logging.ShutdownLogging;
import io.ambient4j.ztunnel.admin.AdminServer;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.config.ConfigException;

/**
 * The ztunnel process: configuration from the environment, then {@link Ztunnel}. SIGTERM (and
 * {@code POST /quitquitquit}, which exits) runs the shutdown hook, which drains before the JVM ends.
 */
public final class Main {
    static {
        // before any logger exists: what the component logs while shutting down must not be lost
        ShutdownLogging.install();
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        Config cfg;
        try {
            cfg = Config.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("ztunnel: " + e.getMessage());
            System.exit(2);
            return;
        }
        Ztunnel z = Ztunnel.start(cfg, AdminServer.Ports.DEFAULT);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sigterm").unstarted(() -> {
            z.shutdown();
            ShutdownLogging.shutdownComplete();
        }));
        z.awaitStopped();
    }
}
