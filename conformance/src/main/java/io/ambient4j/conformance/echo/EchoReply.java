package io.ambient4j.conformance.echo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The echo app's HTTP reply body: one {@code Key=value} per line, like upstream's echo server, so checks
 * (and people with curl) can read what the server saw. {@code RequestHeader=Name:value} repeats once per
 * header value; header names are lower-cased (HTTP/2 sends them so anyway).
 */
public record EchoReply(
        String hostname,
        String namespace,
        int servicePort,
        String proto,
        String method,
        String url,
        String host,
        String peerIp,
        int peerPort,
        List<Map.Entry<String, String>> headers) {

    /** Renders the body (pure). */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("Hostname=").append(hostname).append('\n');
        b.append("Namespace=").append(namespace).append('\n');
        b.append("ServicePort=").append(servicePort).append('\n');
        b.append("Proto=").append(proto).append('\n');
        b.append("Method=").append(method).append('\n');
        b.append("URL=").append(url).append('\n');
        b.append("Host=").append(host).append('\n');
        b.append("IP=").append(peerIp).append('\n');
        b.append("RemoteAddr=").append(peerIp).append(':').append(peerPort).append('\n');
        headers.stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(h -> b.append("RequestHeader=")
                        .append(h.getKey().toLowerCase(Locale.ROOT))
                        .append(':')
                        .append(h.getValue())
                        .append('\n'));
        return b.toString();
    }

    /** Parsed view of a body: single keys, and every RequestHeader as name → values. */
    public record Parsed(Map<String, String> fields, Map<String, List<String>> headers) {
        public String field(String key) {
            return fields.get(key);
        }
    }

    /** Parses a body rendered by {@link #render} (pure; unknown lines are ignored). */
    public static Parsed parse(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("RequestHeader")) {
                int colon = value.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(value.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(value.substring(colon + 1));
                }
            } else {
                fields.putIfAbsent(key, value);
            }
        }
        return new Parsed(fields, headers);
    }
}
