package io.ambient4j.conformance.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prometheus text exposition, the subset checks need: samples with labels and a value. Pure. */
public final class MetricText {
    private MetricText() {}

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** A value test such as {@code >0}, {@code ==1}, {@code >=2}, {@code <5}, or a bare number (equals). */
    public record Comparison(String op, double operand) {
        public static Comparison parse(String s) {
            var m = java.util.regex.Pattern.compile("\\s*(>=|<=|==|!=|>|<)?\\s*(-?[0-9.]+)\\s*")
                    .matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("value test '" + s + "' must look like >0, ==1, >=2 or 3");
            }
            return new Comparison(m.group(1) == null ? "==" : m.group(1), Double.parseDouble(m.group(2)));
        }

        public boolean test(double v) {
            return switch (op) {
                case ">" -> v > operand;
                case ">=" -> v >= operand;
                case "<" -> v < operand;
                case "<=" -> v <= operand;
                case "!=" -> v != operand;
                default -> v == operand;
            };
        }
    }

    public static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            String rest;
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (brace >= 0 && (space < 0 || brace < space)) {
                name = line.substring(0, brace);
                int end = parseLabels(line, brace + 1, labels);
                rest = line.substring(end + 1).strip();
            } else if (space > 0) {
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            } else {
                continue;
            }
            String value = rest.split("\\s+")[0];
            try {
                out.add(new Sample(name, Map.copyOf(labels), Double.parseDouble(value)));
            } catch (NumberFormatException e) {
                // NaN/Inf spellings or garbage: not a usable sample
            }
        }
        return out;
    }

    private static int parseLabels(String line, int i, Map<String, String> labels) {
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).strip();
            int q = line.indexOf('"', eq) + 1;
            StringBuilder v = new StringBuilder();
            int j = q;
            while (j < line.length() && line.charAt(j) != '"') {
                if (line.charAt(j) == '\\' && j + 1 < line.length()) {
                    char c = line.charAt(++j);
                    v.append(c == 'n' ? '\n' : c);
                } else {
                    v.append(line.charAt(j));
                }
                j++;
            }
            labels.put(key, v.toString());
            i = j + 1;
            while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                i++;
            }
        }
        return i;
    }

    /** The samples named {@code name} whose labels include all of {@code labels}. */
    public static List<Sample> matching(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name) || s.name().equals(name + "_total"))
                .filter(s -> labels.entrySet().stream()
                        .allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
                .toList();
    }
}
