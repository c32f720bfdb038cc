package io.ambient4j.cni.zds;

import java.nio.file.Path;
import java.time.Duration;

/**
 * ZDS server settings (ambient-spec §5.1): socket path shared with ztunnel through a hostPath, the per
 * message read/write deadline, the keepalive period and the accept rate limit.
 */
public record ZdsConfig(Path socketPath, Duration deadline, Duration keepaliveInterval, int acceptsPerSecond) {
    /** Where ztunnel looks for the agent. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/ztunnel/ztunnel.sock");

    public ZdsConfig {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()) {
            throw new IllegalArgumentException("keepalive interval must be positive");
        }
        if (acceptsPerSecond < 1) {
            throw new IllegalArgumentException("acceptsPerSecond must be at least 1");
        }
    }

    /** Upstream values: 5 s deadlines, keepalive every 5 s, at most 5 accepts per second. */
    public static ZdsConfig defaults(Path socketPath) {
        return new ZdsConfig(socketPath, Duration.ofSeconds(5), Duration.ofSeconds(5), 5);
    }
}
