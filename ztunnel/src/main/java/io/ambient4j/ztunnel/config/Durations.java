package io.ambient4j.ztunnel.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration strings ztunnel's environment uses ({@code 5m}, {@code 24h}, {@code 1h30m}, {@code 250ms}). */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ns|us|µs|ms|s|m|h|d)");
    private static final Pattern BARE = Pattern.compile("\\d+");

    private Durations() {}

    /**
     * Parses one duration; a bare integer counts as seconds.
     *
     * @throws IllegalArgumentException when the text is not a duration
     */
    static Duration parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (BARE.matcher(s).matches()) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("not a duration such as 5m, 24h or 1h30m");
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "ns" -> Duration.ofNanos(n);
                        case "us", "µs" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> throw new IllegalStateException(m.group(2));
                    });
            at = m.end();
        }
        return total;
    }
}
