package io.ambient4j.conformance.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of the echo image's {@code probe} mode: what the runner puts after the image's java command in
 * {@code kubectl exec} and what the image's main reads back. {@code probe <url> [--method M] [--header name=value]...
 * [--send text] [--timeout-ms N]}.
 */
public record ProbeCommand(String url, String method, Map<String, String> headers, String send, Duration timeout) {
    public ProbeCommand {
        headers = Map.copyOf(headers);
    }

    /** The arguments, starting with {@code probe} (pure). */
    public List<String> args() {
        List<String> a = new ArrayList<>(List.of("probe", url, "--method", method));
        headers.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> a.addAll(List.of("--header", e.getKey() + "=" + e.getValue())));
        if (send != null) {
            a.addAll(List.of("--send", send));
        }
        a.addAll(List.of("--timeout-ms", Long.toString(timeout.toMillis())));
        return a;
    }

    /** Parses {@link #args()} (pure); bad arguments are an {@link IllegalArgumentException} saying which. */
    public static ProbeCommand parse(List<String> args) {
        if (args.size() < 2 || !args.getFirst().equals("probe")) {
            throw new IllegalArgumentException(
                    "usage: probe <url> [--method M] [--header name=value]... [--send text] [--timeout-ms N]");
        }
        String url = args.get(1);
        String method = "GET";
        Map<String, String> headers = new LinkedHashMap<>();
        String send = null;
        Duration timeout = Duration.ofSeconds(3);
        for (int i = 2; i < args.size(); i += 2) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String v = args.get(i + 1);
            switch (flag) {
                case "--method" -> method = v;
                case "--header" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--header wants name=value, got '" + v + "'");
                    }
                    headers.put(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--send" -> send = v;
                case "--timeout-ms" -> {
                    try {
                        timeout = Duration.ofMillis(Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--timeout-ms wants a number, got '" + v + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new ProbeCommand(url, method, headers, send, timeout);
    }
}
