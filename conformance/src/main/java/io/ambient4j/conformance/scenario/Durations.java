package io.ambient4j.conformance.scenario;

import java.time.Duration;

/** Durations as scenarios write them: {@code 500ms}, {@code 5s}, {@code 2m}. */
public final class Durations {
    private Durations() {}

    public static Duration parse(String s) {
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a duration like 500ms, 5s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
