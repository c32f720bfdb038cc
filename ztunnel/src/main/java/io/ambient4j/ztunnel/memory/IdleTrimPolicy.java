package io.ambient4j.ztunnel.memory;

import java.time.Duration;

/**
 * When to trim: the pure decision of {@link IdleTrimmer}, kept apart so it can be checked as a table. A trim (a full
 * collection) is worth its few milliseconds only when there is something to give back and nobody to disturb: no open
 * connection, no connection activity for {@code quietFor}, some activity since the last trim (start-up counts as
 * activity, so a fresh node trims once after it settles), and at most one trim per {@code minInterval} so a node with
 * a little periodic traffic (a health check every few seconds) is not collected every few seconds.
 *
 * @param quietFor how long the node must have had no open connection and no connection event
 * @param minInterval the least time between two trims
 */
public record IdleTrimPolicy(Duration quietFor, Duration minInterval) {
    /** The node's defaults: quiet for 3 s (a fresh node settles well within 5 s of READY), at most once a minute. */
    public static final IdleTrimPolicy DEFAULT = new IdleTrimPolicy(Duration.ofSeconds(3), Duration.ofMinutes(1));

    public IdleTrimPolicy {
        if (quietFor.isNegative() || minInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "idle trim durations must not be negative: " + quietFor + ", " + minInterval);
        }
    }

    /**
     * What the trimmer remembers between observations.
     *
     * @param events the connection event count last seen
     * @param quietSinceNanos when the node was last seen busy (an open connection, or new events)
     * @param dirty whether there was activity (or the start) since the last trim
     * @param lastTrimNanos when the last trim ran; only meaningful when {@code trimmed}
     * @param trimmed whether a trim has run yet
     */
    public record State(long events, long quietSinceNanos, boolean dirty, long lastTrimNanos, boolean trimmed) {
        /** A node that just started: busy "now", with start-up garbage to give back. */
        public static State start(long nowNanos, long events) {
            return new State(events, nowNanos, true, 0, false);
        }
    }

    /** The next state, and whether to trim now. */
    public record Step(State state, boolean trim) {}

    /** One observation at {@code nowNanos} (a monotonic clock) of the open connections and the event count. */
    public Step observe(State s, long nowNanos, long openConnections, long events) {
        boolean newEvents = events != s.events();
        boolean busy = newEvents || openConnections > 0;
        long quietSince = busy ? nowNanos : s.quietSinceNanos();
        boolean dirty = s.dirty() || newEvents;
        boolean quietLongEnough = !busy && nowNanos - quietSince >= quietFor.toNanos();
        boolean spaced = !s.trimmed() || nowNanos - s.lastTrimNanos() >= minInterval.toNanos();
        if (dirty && quietLongEnough && spaced) {
            return new Step(new State(events, quietSince, false, nowNanos, true), true);
        }
        return new Step(new State(events, quietSince, dirty, s.lastTrimNanos(), s.trimmed()), false);
    }
}
