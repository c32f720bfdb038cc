package io.ambient4j.ztunnel.admin;

import io.ambient4j.common.identity.SpiffeId;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A small JSON writer for the admin dump: records become objects named by their components (our records
 * already use upstream's camelCase names), maps and object keys are sorted, so {@code /config_dump} is stable
 * between calls and diffable (style: "/config_dump serializes sorted"). Only values flow in, never input.
 */
final class Json {
    private static final int MAX_DEPTH = 48;

    private Json() {}

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        value(sb, value, 0, 0);
        return sb.append('\n').toString();
    }

    private static void value(StringBuilder sb, Object v, int depth, int indent) {
        if (depth > MAX_DEPTH) {
            string(sb, String.valueOf(v));
            return;
        }
        switch (v) {
            case null -> sb.append("null");
            case Optional<?> o -> value(sb, o.orElse(null), depth, indent);
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> string(sb, d.toString());
            case Number n -> sb.append(n);
            case Enum<?> e -> string(sb, e.name());
            case SpiffeId id -> string(sb, id.uri());
            case InetAddress a -> string(sb, a.getHostAddress());
            case InetSocketAddress a ->
                string(
                        sb,
                        a.getAddress() == null
                                ? a.getHostString() + ":" + a.getPort()
                                : a.getAddress().getHostAddress() + ":" + a.getPort());
            case Duration d -> string(sb, d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms");
            case Instant i -> string(sb, i.toString());
            case byte[] b -> string(sb, Base64.getEncoder().encodeToString(b));
            case Map<?, ?> m -> {
                Map<String, Object> sorted = new TreeMap<>();
                m.forEach((k, val) -> sorted.put(String.valueOf(k), val));
                object(sb, sorted, depth, indent);
            }
            case Collection<?> c -> array(sb, c, depth, indent);
            case Record r -> object(sb, components(r), depth, indent);
            default -> string(sb, v.toString());
        }
    }

    private static Map<String, Object> components(Record r) {
        Map<String, Object> fields = new TreeMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                fields.put(c.getName(), accessor.invoke(r));
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                fields.put(c.getName(), "<" + e.getClass().getSimpleName() + ">");
            }
        }
        return fields;
    }

    private static void object(StringBuilder sb, Map<String, Object> m, int depth, int indent) {
        if (m.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append("{\n");
        int i = 0;
        for (var e : m.entrySet()) {
            pad(sb, indent + 1);
            string(sb, e.getKey());
            sb.append(": ");
            value(sb, e.getValue(), depth + 1, indent + 1);
            sb.append(++i < m.size() ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append('}');
    }

    private static void array(StringBuilder sb, Collection<?> c, int depth, int indent) {
        if (c.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append("[\n");
        int i = 0;
        for (Object o : c) {
            pad(sb, indent + 1);
            value(sb, o, depth + 1, indent + 1);
            sb.append(++i < c.size() ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append(']');
    }

    private static void pad(StringBuilder sb, int indent) {
        sb.append("  ".repeat(indent));
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
