package io.ambient4j.waypoint.proxy;

import io.ambient4j.waypoint.metrics.WaypointMetrics;
import io.ambient4j.waypoint.state.WaypointState;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntUnaryOperator;

/**
 * What every tunnel handler shares: the state snapshots, the upstream connector, metrics, the timer for request
 * timeouts, and the random source for weighted and endpoint choices (seeded in tests).
 *
 * @param network this waypoint's network ({@code ISTIO_META_NETWORK}), for address lookups
 * @param self this waypoint's pod IP ({@code INSTANCE_IP}), by which it finds what is bound to it
 */
record ProxyContext(
        WaypointState state,
        Upstreams upstreams,
        WaypointMetrics metrics,
        String network,
        java.net.InetAddress self,
        ScheduledExecutorService timers,
        IntUnaryOperator random) {}
