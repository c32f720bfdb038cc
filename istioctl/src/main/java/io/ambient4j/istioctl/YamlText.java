package io.ambient4j.istioctl;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Block-style YAML for objects istioctl prints (e.g. {@code waypoint generate}), with quotes only where
 * a plain scalar would be misread, so the output reads like upstream's (sigs.k8s.io/yaml) output.
 */
public final class YamlText {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./:@-]*");
    private static final Pattern LOOKS_TYPED = Pattern.compile(
            "true|false|yes|no|on|off|null|~|-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+",
            Pattern.CASE_INSENSITIVE);

    private YamlText() {}

    public static String of(Map<?, ?> map) {
        StringBuilder sb = new StringBuilder();
        writeMap(sb, map, 0, false);
        return sb.toString();
    }

    private static void writeMap(StringBuilder sb, Map<?, ?> map, int indent, boolean firstInline) {
        boolean first = true;
        for (var e : new java.util.TreeMap<>(stringKeys(map)).entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!(first && firstInline)) {
                sb.append(" ".repeat(indent));
            }
            first = false;
            sb.append(scalar(e.getKey())).append(':');
            writeValue(sb, e.getValue(), indent);
        }
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static void writeValue(StringBuilder sb, Object v, int indent) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append(" {}\n");
            } else {
                sb.append('\n');
                writeMap(sb, m, indent + 2, false);
            }
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append(" []\n");
                return;
            }
            sb.append('\n');
            for (Object item : l) {
                sb.append(" ".repeat(indent)).append("- ");
                if (item instanceof Map<?, ?> im && !im.isEmpty()) {
                    writeMap(sb, im, indent + 2, true);
                } else {
                    sb.append(item instanceof String s ? scalar(s) : String.valueOf(item))
                            .append('\n');
                }
            }
        } else if (v instanceof String s) {
            sb.append(' ').append(scalar(s)).append('\n');
        } else {
            sb.append(' ').append(v).append('\n');
        }
    }

    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !LOOKS_TYPED.matcher(s).matches()) {
            return s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
