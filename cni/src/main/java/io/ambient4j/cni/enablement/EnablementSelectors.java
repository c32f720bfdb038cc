package io.ambient4j.cni.enablement;

import io.ambient4j.cni.enablement.LabelSelector.Operator;
import io.ambient4j.cni.enablement.LabelSelector.Requirement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart's {@code ambient.enablementSelectors} ({@code AMBIENT_ENABLEMENT_SELECTOR}, YAML or JSON): a
 * list of {@code {podSelector, namespaceSelector}}; a pod is selected when ANY entry's pod selector matches
 * its labels and the same entry's namespace selector matches its namespace's labels. As upstream, a missing
 * or empty selector inside an entry matches everything (Kubernetes' empty selector), and an empty list
 * selects nothing. Parsing is strict (unknown fields, operators or malformed values are errors) because a
 * mistyped field would otherwise silently become an empty selector that captures every pod.
 */
public final class EnablementSelectors {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Set<String> ENTRY_FIELDS = Set.of("podSelector", "namespaceSelector");
    private static final Set<String> SELECTOR_FIELDS = Set.of("matchLabels", "matchExpressions");
    private static final Set<String> REQUIREMENT_FIELDS = Set.of("key", "operator", "values");

    /** One entry of the list. */
    public record Entry(LabelSelector podSelector, LabelSelector namespaceSelector) {}

    private final List<Entry> entries;
    private final List<Object> source;

    private EnablementSelectors(List<Entry> entries, List<Object> source) {
        this.entries = List.copyOf(entries);
        this.source = source;
    }

    /** The chart default: pod label ambient, or namespace label ambient and the pod not {@code none}. */
    public static EnablementSelectors defaults() {
        return parse("""
                - podSelector:
                    matchLabels: {istio.io/dataplane-mode: ambient}
                - podSelector:
                    matchExpressions:
                      - {key: istio.io/dataplane-mode, operator: NotIn, values: [none]}
                  namespaceSelector:
                    matchLabels: {istio.io/dataplane-mode: ambient}
                """);
    }

    /** Parses the variable's value; blank means the chart default. */
    public static EnablementSelectors parse(String text) {
        if (text == null || text.isBlank()) {
            return defaults();
        }
        Object doc;
        try {
            doc = YAML.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new SelectorException(SelectorException.Reason.NOT_YAML, "not YAML/JSON: " + e.getOriginalMessage());
        }
        if (doc == null) {
            return defaults();
        }
        if (!(doc instanceof List<?> list)) {
            throw new SelectorException(
                    SelectorException.Reason.NOT_A_LIST,
                    "must be a list of {podSelector, namespaceSelector}, got " + kind(doc));
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "[" + i + "]";
            Map<String, Object> entry = object(list.get(i), where, SelectorException.Reason.BAD_ENTRY);
            checkFields(entry, ENTRY_FIELDS, where);
            entries.add(new Entry(
                    selector(entry.get("podSelector"), where + ".podSelector"),
                    selector(entry.get("namespaceSelector"), where + ".namespaceSelector")));
        }
        @SuppressWarnings("unchecked")
        List<Object> source = (List<Object>) list;
        return new EnablementSelectors(entries, List.copyOf(source));
    }

    public List<Entry> entries() {
        return entries;
    }

    /** True when any entry selects the pod. */
    public boolean matches(Map<String, String> podLabels, Map<String, String> namespaceLabels) {
        return entries.stream()
                .anyMatch(e -> e.podSelector().matches(podLabels)
                        && e.namespaceSelector().matches(namespaceLabels));
    }

    /** The list as parsed (maps and lists), for the plugin's conflist entry ({@code enablement_selectors}). */
    public List<Object> asJson() {
        return source;
    }

    private static LabelSelector selector(Object node, String where) {
        if (node == null) {
            return LabelSelector.EVERYTHING;
        }
        Map<String, Object> s = object(node, where, SelectorException.Reason.BAD_ENTRY);
        checkFields(s, SELECTOR_FIELDS, where);
        Map<String, String> labels = new LinkedHashMap<>();
        Object ml = s.get("matchLabels");
        if (ml != null) {
            Map<String, Object> m = object(ml, where + ".matchLabels", SelectorException.Reason.BAD_ENTRY);
            for (Map.Entry<String, Object> e : m.entrySet()) {
                labels.put(
                        key(e.getKey(), where + ".matchLabels"),
                        scalar(e.getValue(), where + ".matchLabels." + e.getKey()));
            }
        }
        List<Requirement> reqs = new ArrayList<>();
        Object me = s.get("matchExpressions");
        if (me != null) {
            if (!(me instanceof List<?> exprs)) {
                throw new SelectorException(
                        SelectorException.Reason.BAD_ENTRY,
                        where + ".matchExpressions must be a list, got " + kind(me));
            }
            for (int i = 0; i < exprs.size(); i++) {
                reqs.add(requirement(exprs.get(i), where + ".matchExpressions[" + i + "]"));
            }
        }
        return new LabelSelector(labels, reqs);
    }

    private static Requirement requirement(Object node, String where) {
        Map<String, Object> r = object(node, where, SelectorException.Reason.BAD_ENTRY);
        checkFields(r, REQUIREMENT_FIELDS, where);
        String key = key(r.get("key") == null ? "" : scalar(r.get("key"), where + ".key"), where);
        String op = r.get("operator") == null ? "" : scalar(r.get("operator"), where + ".operator");
        Operator operator = Arrays.stream(Operator.values())
                .filter(o -> o.wire().equals(op))
                .findFirst()
                .orElseThrow(() -> new SelectorException(
                        SelectorException.Reason.BAD_OPERATOR,
                        where + ".operator '" + op + "' is not one of In, NotIn, Exists, DoesNotExist"));
        Set<String> values = new LinkedHashSet<>();
        Object v = r.get("values");
        if (v != null) {
            if (!(v instanceof List<?> vs)) {
                throw new SelectorException(
                        SelectorException.Reason.BAD_VALUES, where + ".values must be a list, got " + kind(v));
            }
            for (Object o : vs) {
                values.add(scalar(o, where + ".values"));
            }
        }
        boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
        if (needsValues && values.isEmpty()) {
            throw new SelectorException(
                    SelectorException.Reason.BAD_VALUES, where + ": " + op + " needs a non-empty values list");
        }
        if (!needsValues && !values.isEmpty()) {
            throw new SelectorException(SelectorException.Reason.BAD_VALUES, where + ": " + op + " takes no values");
        }
        return new Requirement(key, operator, values);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object node, String where, SelectorException.Reason reason) {
        if (!(node instanceof Map<?, ?> m)) {
            throw new SelectorException(reason, where + " must be an object, got " + kind(node));
        }
        return (Map<String, Object>) m;
    }

    private static void checkFields(Map<String, Object> m, Set<String> allowed, String where) {
        Optional<String> unknown =
                m.keySet().stream().filter(k -> !allowed.contains(k)).sorted().findFirst();
        if (unknown.isPresent()) {
            throw new SelectorException(
                    SelectorException.Reason.UNKNOWN_FIELD,
                    where + ": unknown field '" + unknown.get() + "' (allowed: "
                            + allowed.stream().sorted().toList() + ")");
        }
    }

    private static String key(String key, String where) {
        if (key.isEmpty()
                || key.length() > 316
                || !key.matches("([A-Za-z0-9.-]+/)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
            throw new SelectorException(SelectorException.Reason.BAD_KEY, where + ": '" + key + "' is not a label key");
        }
        return key;
    }

    private static String scalar(Object v, String where) {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw new SelectorException(SelectorException.Reason.BAD_VALUES, where + " must be a string, got " + kind(v));
    }

    private static String kind(Object v) {
        return v == null
                ? "null"
                : v instanceof List<?> ? "a list" : v instanceof Map<?, ?> ? "an object" : "'" + v + "'";
    }
}
