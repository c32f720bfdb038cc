package io.ambient4j.istioctl.install;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What {@code istioctl install} was asked for: the IstioOperator spec from {@code -f} files and
 * {@code --set} flags (later wins), checked against the charts (profile exists, every value is one a
 * chart defines), and turned into one Helm values map per chart.
 *
 * <p>The spec keys are upstream's: {@code profile}, {@code hub}, {@code tag}, {@code revision},
 * {@code namespace}, {@code meshConfig}, {@code values.*} (Helm values for every chart; {@code values.pilot},
 * {@code values.cni} and {@code values.ztunnel} address one chart), {@code components.<name>.enabled}.
 */
public record InstallSpec(
        String profile, String namespace, List<Component> components, Map<Component, Map<String, Object>> chartValues) {

    static final Set<String> SPEC_KEYS =
            Set.of("profile", "hub", "tag", "revision", "namespace", "meshConfig", "values", "components");
    /** Profiles that select no profile file (upstream's default profile is the charts' defaults). */
    static final Set<String> BUILTIN_PROFILES = Set.of("default", "empty", "minimal");

    /** Builds the spec; every problem is an {@link IstioctlException} naming the offending input. */
    @SuppressWarnings("unchecked")
    public static InstallSpec build(List<Path> files, List<String> sets, BundledCharts charts, ValuesSchema schema) {
        Map<String, Object> spec = new LinkedHashMap<>();
        for (Path f : files) {
            Yaml.merge(spec, readOperatorFile(f));
        }
        List<SetFlag> flags = sets.stream().map(SetFlag::parse).toList();
        for (SetFlag s : flags) {
            Yaml.put(spec, s.path(), s.value());
        }
        for (String key : spec.keySet()) {
            if (!SPEC_KEYS.contains(key)) {
                throw new IstioctlException(
                        Reason.UNKNOWN_VALUE,
                        "unknown value \"" + key + "\": an IstioOperator spec has " + new TreeSet<>(SPEC_KEYS)
                                + " (Helm values go under values., e.g. --set values.global.hub=...)");
            }
        }
        // every leaf under values. must be a value some chart defines
        if (spec.get("values") instanceof Map<?, ?> values) {
            for (List<String> leaf : leaves((Map<String, Object>) values, new ArrayList<>())) {
                schema.explain(leaf).ifPresent(why -> {
                    throw new IstioctlException(
                            Reason.UNKNOWN_VALUE, "unknown value \"values." + String.join(".", leaf) + "\": " + why);
                });
            }
        } else if (spec.containsKey("values")) {
            throw new IstioctlException(Reason.UNKNOWN_VALUE, "values must be a mapping of Helm values");
        }
        String profile = spec.get("profile") == null ? "default" : String.valueOf(spec.get("profile"));
        checkProfile(profile, charts);
        String namespace = spec.get("namespace") == null ? "istio-system" : String.valueOf(spec.get("namespace"));

        List<Component> enabled = new ArrayList<>();
        for (Component c : Component.INSTALL_ORDER) {
            // the ambient profile turns on cni and ztunnel; "empty" turns everything off (upstream)
            boolean on = !profile.equals("empty")
                    && (c == Component.BASE || c == Component.ISTIOD || profile.equals("ambient"));
            Object flag = getPath(spec, List.of("components", c.specName, "enabled"));
            if (flag != null) {
                on = Boolean.parseBoolean(String.valueOf(flag));
            }
            if (on) {
                enabled.add(c);
            }
        }

        Map<Component, Map<String, Object>> perChart = new EnumMap<>(Component.class);
        for (Component c : enabled) {
            perChart.put(c, valuesFor(c, spec, profile, namespace));
        }
        return new InstallSpec(profile, namespace, List.copyOf(enabled), perChart);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> valuesFor(Component c, Map<String, Object> spec, String profile, String ns) {
        Map<String, Object> v =
                spec.get("values") instanceof Map<?, ?> m ? (Map<String, Object>) Yaml.copy(m) : new LinkedHashMap<>();
        if (!BUILTIN_PROFILES.contains(profile)) {
            v.put("profile", profile);
        }
        if (spec.get("hub") != null) {
            Yaml.put(v, List.of("global", "hub"), String.valueOf(spec.get("hub")));
        }
        if (spec.get("tag") != null) {
            Yaml.put(v, List.of("global", "tag"), String.valueOf(spec.get("tag")));
        }
        if (spec.get("revision") != null) {
            v.put("revision", String.valueOf(spec.get("revision")));
        }
        Yaml.put(v, List.of("global", "istioNamespace"), ns);
        if (spec.get("meshConfig") instanceof Map<?, ?> mc && c == Component.ISTIOD) {
            Map<String, Object> merged =
                    v.get("meshConfig") instanceof Map<?, ?> cur ? (Map<String, Object>) cur : new LinkedHashMap<>();
            Yaml.merge(merged, (Map<String, Object>) mc);
            v.put("meshConfig", merged);
        }
        if (c.flattenValues && v.get(c.specName) instanceof Map<?, ?> own) {
            v.remove(c.specName);
            Yaml.merge(v, (Map<String, Object>) own);
        }
        return v;
    }

    static void checkProfile(String profile, BundledCharts charts) {
        if (BUILTIN_PROFILES.contains(profile)) {
            return;
        }
        Path files = charts.chart(Component.ISTIOD).resolve("files");
        if (Files.isRegularFile(files.resolve("profile-" + profile + ".yaml"))) {
            return;
        }
        Set<String> known = new TreeSet<>(BUILTIN_PROFILES);
        try (Stream<Path> s = Files.list(files)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("profile-") && n.endsWith(".yaml"))
                    .map(n -> n.substring("profile-".length(), n.length() - ".yaml".length()))
                    .filter(n -> !n.startsWith("platform-") && !n.startsWith("compatibility-version-"))
                    .forEach(known::add);
        } catch (IOException e) {
            throw new IstioctlException(Reason.RENDER_FAILED, "cannot read the bundled profiles: " + e.getMessage(), e);
        }
        throw new IstioctlException(
                Reason.UNKNOWN_PROFILE,
                "unknown profile \"" + profile + "\": the profiles are " + String.join(", ", known));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readOperatorFile(Path f) {
        Map<String, Object> doc;
        try {
            doc = Yaml.parseMap(Files.readString(f));
        } catch (IOException e) {
            throw new IstioctlException(Reason.BAD_VALUES_FILE, "cannot read " + f + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IstioctlException(Reason.BAD_VALUES_FILE, f + " is not valid YAML: " + e.getMessage(), e);
        }
        Object kind = doc.get("kind");
        if (kind != null && !"IstioOperator".equals(kind)) {
            throw new IstioctlException(Reason.BAD_VALUES_FILE, f + ": expected kind IstioOperator, found " + kind);
        }
        Object spec = doc.get("spec");
        if (spec == null) {
            return new LinkedHashMap<>();
        }
        if (!(spec instanceof Map<?, ?>)) {
            throw new IstioctlException(Reason.BAD_VALUES_FILE, f + ": spec must be a mapping");
        }
        return (Map<String, Object>) spec;
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> leaves(Map<String, Object> m, List<String> prefix) {
        List<List<String>> out = new ArrayList<>();
        for (var e : m.entrySet()) {
            List<String> p = new ArrayList<>(prefix);
            p.add(e.getKey());
            if (e.getValue() instanceof Map<?, ?> sub
                    && !sub.isEmpty()
                    && !ValuesSchema.FREE_FORM.contains(e.getKey())) {
                out.addAll(leaves((Map<String, Object>) sub, p));
            } else {
                out.add(List.copyOf(p));
            }
        }
        return out;
    }

    private static Object getPath(Map<String, Object> root, List<String> path) {
        Object cur = root;
        for (String k : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }
}
