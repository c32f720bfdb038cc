package io.ambient4j.istioctl.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which value names the charts define, read from each chart's values.yaml (its top level merged with
 * {@code _internal_defaults_do_not_set}; keys documented as commented-out examples count too). Used to
 * reject a misspelt {@code --set values.x.y} before anything is rendered or applied.
 */
public final class ValuesSchema {
    static final String DEFAULTS_KEY = "_internal_defaults_do_not_set";
    /** Keys whose content is free-form (Kubernetes objects, maps of names), whatever their default. */
    static final Set<String> FREE_FORM = Set.of(
            "resources",
            "env",
            "meshConfig",
            "affinity",
            "securityContext",
            "seccompProfile",
            "podAnnotations",
            "podLabels",
            "nodeSelector",
            "annotations",
            "labels",
            "defaultConfig");

    private static final Pattern COMMENTED_KEY = Pattern.compile("^(\\s*)#\\s?([A-Za-z_][\\w-]*:(\\s.*)?)$");

    private static final Pattern VALUES_REF = Pattern.compile("\\.Values\\.([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)");
    private static final Pattern USER_GLOBAL_REF = Pattern.compile("\\$userGlobal\\.([A-Za-z_]\\w*)");

    private final Map<Component, Map<String, Object>> defaults;

    ValuesSchema(Map<Component, Map<String, Object>> defaults) {
        this.defaults = defaults;
    }

    public static ValuesSchema load(BundledCharts charts) {
        Map<Component, Map<String, Object>> d = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            try {
                Map<String, Object> defaults =
                        defaultsOf(Files.readString(charts.chart(c).resolve("values.yaml")));
                for (List<String> ref : templateReferences(charts.chart(c).resolve("templates"))) {
                    addIfAbsent(defaults, ref);
                }
                d.put(c, defaults);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ValuesSchema(d);
    }

    /**
     * Value paths the templates read ({@code .Values.a.b}; {@code $userGlobal.x} as {@code global.x}):
     * values that have no default (profile, platform, ...) but are still real.
     */
    static List<List<String>> templateReferences(Path templates) throws IOException {
        List<List<String>> out = new ArrayList<>();
        if (!Files.isDirectory(templates)) {
            return out;
        }
        List<Path> files;
        try (var s = Files.walk(templates)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String text = Files.readString(f);
            var m = VALUES_REF.matcher(text);
            while (m.find()) {
                out.add(List.of(m.group(1).split("\\.")));
            }
            var g = USER_GLOBAL_REF.matcher(text);
            while (g.find()) {
                out.add(List.of("global", g.group(1)));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static void addIfAbsent(Map<String, Object> root, List<String> path) {
        Map<String, Object> cur = root;
        for (int i = 0; i < path.size(); i++) {
            String k = path.get(i);
            if (k.equals(DEFAULTS_KEY)) {
                return;
            }
            Object next = cur.get(k);
            if (i == path.size() - 1) {
                if (!cur.containsKey(k)) {
                    cur.put(k, null);
                }
                return;
            }
            if (next == null && !cur.containsKey(k)) {
                next = new java.util.LinkedHashMap<String, Object>();
                cur.put(k, next);
            }
            if (!(next instanceof Map<?, ?>)) {
                return;
            }
            cur = (Map<String, Object>) next;
        }
    }

    /** A chart's defaults: the plain YAML merged with the YAML whose commented-out keys are restored. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> defaultsOf(String valuesYaml) {
        Map<String, Object> plain = Yaml.parseMap(valuesYaml);
        Map<String, Object> out = flattenDefaults(plain);
        try {
            StringBuilder relaxed = new StringBuilder();
            for (String line : valuesYaml.split("\n", -1)) {
                var m = COMMENTED_KEY.matcher(line);
                relaxed.append(m.matches() ? m.group(1) + m.group(2) : line).append('\n');
            }
            Map<String, Object> withComments = flattenDefaults(Yaml.parseMap(relaxed.toString()));
            Yaml.merge(withComments, out);
            out = withComments;
        } catch (RuntimeException ignored) {
            // commented lines that are not YAML: the plain keys are what we know
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flattenDefaults(Map<String, Object> values) {
        Map<String, Object> out = (Map<String, Object>) Yaml.copy(values);
        Object inner = out.remove(DEFAULTS_KEY);
        if (inner instanceof Map<?, ?> m) {
            Yaml.merge(out, (Map<String, Object>) m);
        }
        return out;
    }

    /** Whether a path under {@code values.} is defined by some chart, in the way istioctl passes it on. */
    public boolean isKnown(List<String> valuesPath) {
        return explain(valuesPath).isEmpty();
    }

    /**
     * Empty when known; otherwise a sentence saying which chart was consulted and, when a close key
     * exists, what was probably meant.
     */
    public Optional<String> explain(List<String> p) {
        if (p.isEmpty()) {
            return Optional.empty();
        }
        String first = p.getFirst();
        List<String> rest = p.subList(1, p.size());
        for (Component c : Component.values()) {
            if (known(defaults.get(c), p)) {
                return Optional.empty();
            }
            if (first.equals(c.specName) && known(defaults.get(c), rest)) {
                return Optional.empty();
            }
        }
        // ztunnel lifts global.* to its top level
        if (first.equals("global") && known(defaults.get(Component.ZTUNNEL), rest)) {
            return Optional.empty();
        }
        Component owner = ownerOf(first);
        List<String> inChart = owner != null && !(defaults.get(owner).get(first) instanceof Map<?, ?>) ? rest : p;
        Map<String, Object> chartDefaults = owner != null ? defaults.get(owner) : merged();
        String where = owner != null
                ? "the " + owner.dir + " chart has no value " + String.join(".", inChart)
                : "none of the charts (base, istiod, cni, ztunnel) has a value " + String.join(".", inChart);
        String suggestion = suggest(chartDefaults, inChart)
                .map(s -> " Did you mean " + s + "?")
                .orElse("");
        return Optional.of(where + "." + suggestion);
    }

    private Component ownerOf(String first) {
        for (Component c : Component.values()) {
            if (first.equals(c.specName)) {
                return c;
            }
        }
        return null;
    }

    private Map<String, Object> merged() {
        Map<String, Object> all = new java.util.LinkedHashMap<>();
        defaults.values().forEach(d -> Yaml.merge(all, d));
        return all;
    }

    static boolean known(Map<String, Object> root, List<String> path) {
        Object cur = root;
        for (String seg : path) {
            if (cur instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    return true;
                }
                if (!m.containsKey(seg)) {
                    return false;
                }
                if (FREE_FORM.contains(seg)) {
                    return true;
                }
                cur = m.get(seg);
            } else {
                // lists are not indexed; a scalar (or a value without a default) has no keys below it
                return cur instanceof List<?>;
            }
        }
        return true;
    }

    /** The known path closest to {@code path} at the level where it stopped matching (edit distance ≤ 2). */
    private static Optional<String> suggest(Map<String, Object> root, List<String> path) {
        Object cur = root;
        List<String> prefix = new ArrayList<>();
        for (String seg : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return Optional.empty();
            }
            if (m.containsKey(seg)) {
                prefix.add(seg);
                cur = m.get(seg);
                continue;
            }
            String best = null;
            int bestD = 3;
            for (Object k : m.keySet()) {
                int d = distance(seg.toLowerCase(), String.valueOf(k).toLowerCase());
                if (d < bestD) {
                    bestD = d;
                    best = String.valueOf(k);
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            prefix.add(best);
            return Optional.of(String.join(".", prefix));
        }
        return Optional.empty();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
