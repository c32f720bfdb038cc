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
 */
record ProxyContext(
        WaypointState state,
        Upstreams upstreams,
        WaypointMetrics metrics,
        String network,
        ScheduledExecutorService timers,
        IntUnaryOperator random) {}
