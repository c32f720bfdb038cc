package io.ambient4j.istioctl.install;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Go-style durations as istioctl takes them: 300s, 5m, 1h, 1500ms. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
        var m = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)").matcher(v.trim());
        if (!m.matches()) {
            throw new IstioctlException(
                    Reason.BAD_ARGUMENT, "invalid duration \"" + v + "\" (use e.g. 300s, 5m, 1500ms)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
