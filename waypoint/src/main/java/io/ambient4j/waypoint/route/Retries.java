package io.ambient4j.waypoint.route;

import java.util.Optional;

/**
 * Whether a failed try is tried again (Gateway API HTTPRouteRetry, GEP-1731), as a pure function: only while tries
 * remain, on a connect failure always (nothing reached the backend), and on a response only when its status is one
 * the rule lists (default 500, 502, 503, 504).
 */
public final class Retries {
    private Retries() {}

    /** What the try ended with. */
    public sealed interface Outcome {
        record ConnectFailed() implements Outcome {}

        record Status(int code) implements Outcome {}
    }

    /** Total tries the rule allows: the first plus {@code attempts}. */
    public static int tries(Optional<HttpRoute.Retry> retry) {
        return 1 + retry.map(HttpRoute.Retry::attempts).orElse(0);
    }

    /** @param attempt the 1-based try that just ended */
    public static boolean again(Optional<HttpRoute.Retry> retry, int attempt, Outcome outcome) {
        if (attempt >= tries(retry)) {
            return false;
        }
        return switch (outcome) {
            case Outcome.ConnectFailed c -> true;
            case Outcome.Status(int code) -> retry.get().codes().contains(code);
        };
    }
}
