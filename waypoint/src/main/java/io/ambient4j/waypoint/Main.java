package io.ambient4j.waypoint;

import io.ambient4j.common.logging.ShutdownLogging;
import io.ambient4j.waypoint.config.ConfigException;
import io.ambient4j.waypoint.config.WaypointConfig;
import java.util.List;

/**
 * The waypoint process. It is started the way istiod's waypoint Deployment starts pilot-agent
 * ({@code proxy waypoint --domain ... --serviceCluster ...}): those arguments are accepted and ignored, anything else
 * is an error. Configuration comes from the environment (see {@link WaypointConfig}). SIGTERM drains, then exits.
 */
public final class Main {
    static {
        ShutdownLogging.install();
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        WaypointConfig cfg;
        try {
            WaypointConfig.checkArgs(List.of(args));
            cfg = WaypointConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("waypoint: " + e.getMessage());
            System.exit(2);
            return;
        }
        Waypoint w = Waypoint.start(cfg);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sigterm").unstarted(() -> {
            w.shutdown();
            ShutdownLogging.shutdownComplete();
        }));
        w.awaitStopped();
    }
}
