package io.ambient4j.ztunnel.config;

import io.ambient4j.ztunnel.config.ConfigException.Reason;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Typed reads of one environment map; every failure becomes a {@link ConfigException} naming the variable. */
final class EnvReader {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern HEADER_KEY = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private final Map<String, String> env;

    EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The raw value; an empty string counts as unset, as upstream treats it. */
    Optional<String> string(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    String string(String name, String dflt) {
        return string(name).orElse(dflt);
    }

    Optional<Boolean> bool(String name) {
        return string(name).map(v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new ConfigException(name, v, Reason.MALFORMED, "expected true or false");
        });
    }

    boolean bool(String name, boolean dflt) {
        return bool(name).orElse(dflt);
    }

    Optional<Long> number(String name, long min, long max) {
        return string(name).map(v -> {
            long n;
            try {
                n = Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(name, v, Reason.MALFORMED, "expected an integer");
            }
            if (n < min || n > max) {
                throw new ConfigException(name, v, Reason.OUT_OF_RANGE, "must be between " + min + " and " + max);
            }
            return n;
        });
    }

    int integer(String name, int dflt, int min, int max) {
        return number(name, min, max).map(Long::intValue).orElse(dflt);
    }

    Optional<Duration> duration(String name) {
        return string(name).map(v -> {
            try {
                return Durations.parse(v);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new ConfigException(name, v, Reason.MALFORMED, e.getMessage());
            }
        });
    }

    Duration duration(String name, Duration dflt) {
        return duration(name).orElse(dflt);
    }

    /** A control-plane address; like upstream, a scheme-less value gets {@code https://}. */
    URI uri(String name, String dflt) {
        String v = string(name, dflt);
        String withScheme = v.contains("://") ? v : "https://" + v;
        try {
            URI uri = new URI(withScheme);
            if (uri.getHost() == null) {
                throw new ConfigException(name, v, Reason.MALFORMED, "no host in address");
            }
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new ConfigException(name, v, Reason.OUT_OF_RANGE, "scheme must be https or http");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(name, v, Reason.MALFORMED, "not a URI: " + e.getReason());
        }
    }

    /** An IP literal; never resolves a host name. */
    Optional<InetAddress> ip(String name) {
        return string(name).map(v -> {
            String s = v.strip();
            if (!IP_LITERAL.matcher(s).matches()
                    || (!s.contains(":") && s.chars().filter(c -> c == '.').count() != 3)) {
                throw new ConfigException(name, v, Reason.MALFORMED, "expected an IPv4 or IPv6 address");
            }
            try {
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                throw new ConfigException(name, v, Reason.MALFORMED, "expected an IPv4 or IPv6 address");
            }
        });
    }

    /** Every variable with the prefix, prefix stripped, sorted by key; keys must be valid header names. */
    Map<String, String> headers(String prefix) {
        TreeMap<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                String key = k.substring(prefix.length());
                if (!HEADER_KEY.matcher(key).matches()) {
                    throw new ConfigException(k, v, Reason.MALFORMED, "not a valid gRPC metadata key: " + key);
                }
                if (v.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
                    throw new ConfigException(k, v, Reason.MALFORMED, "metadata values must be printable ASCII");
                }
                out.put(key.toLowerCase(Locale.ROOT), v);
            }
        });
        return out;
    }

    /** Every variable with the prefix, prefix stripped, sorted by key. */
    Map<String, String> withPrefix(String prefix) {
        TreeMap<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
