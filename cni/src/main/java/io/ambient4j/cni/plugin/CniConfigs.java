package io.ambient4j.cni.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pure functions over CNI configuration documents: the plugin's entry, chaining it as the last plugin of
 * an existing configuration (a single-plugin {@code .conf} becomes a list, as upstream does), removing it,
 * checking whether it is in place, and choosing which file to chain into. No file I/O here.
 */
public final class CniConfigs {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** Upstream's list name and version when a single .conf is turned into a list. */
    static final String LIST_NAME = "k8s-pod-network";

    static final String LIST_VERSION = "0.3.1";

    private CniConfigs() {}

    /** The plugin's entry in a conflist (keys as upstream's {@code list-with-istio.conflist.golden}). */
    public static Map<String, Object> entry(CniInstallConfig c) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("ambient_enabled", c.ambientEnabled());
        e.put("cni_agent_run_dir", c.hostRunDir().toString());
        e.put("dns", Map.of());
        e.put("enable_ambient_detection_retry", c.ambientDetectionRetry());
        e.put("enablement_selectors", c.enablementSelectors());
        e.put("exclude_namespaces", c.excludeNamespaces());
        e.put("ipam", Map.of());
        e.put("name", CniInstallConfig.PLUGIN_NAME);
        e.put("native_nftables", c.nativeNftables());
        e.put("plugin_log_level", c.pluginLogLevel());
        e.put("pod_namespace", c.podNamespace());
        e.put("type", CniInstallConfig.PLUGIN_NAME);
        return e;
    }

    /** A standalone configuration holding only the plugin (chained = false). */
    public static Map<String, Object> standalone(CniInstallConfig c) {
        Map<String, Object> conf = new LinkedHashMap<>(entry(c));
        conf.put("cniVersion", LIST_VERSION);
        return conf;
    }

    /** Parses a configuration file's bytes; {@code file} only names it in errors. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String file, byte[] bytes) throws CniConfigException {
        Object doc;
        try {
            doc = JSON.readValue(bytes, Object.class);
        } catch (JacksonException e) {
            throw new CniConfigException(
                    CniConfigException.Reason.INVALID_JSON,
                    file + " is not valid JSON (half-written by the primary CNI?): " + e.getOriginalMessage()
                            + "; left untouched, waiting for it to change");
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new CniConfigException(CniConfigException.Reason.NOT_A_CNI_CONFIG, file + " is not a JSON object");
        }
        Map<String, Object> conf = (Map<String, Object>) m;
        if (!conf.containsKey("type") && !(conf.get("plugins") instanceof List<?> l && !l.isEmpty())) {
            throw new CniConfigException(
                    CniConfigException.Reason.NOT_A_CNI_CONFIG,
                    file + " has neither \"type\" nor a non-empty \"plugins\" list");
        }
        return conf;
    }

    /**
     * {@code existing} with the plugin chained last: a single plugin config is wrapped into a list, an
     * existing entry of ours is dropped first (so a re-install replaces it rather than adding a second).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> chain(Map<String, Object> existing, Map<String, Object> entry)
            throws CniConfigException {
        Map<String, Object> list;
        List<Object> plugins;
        if (existing.containsKey("type")) {
            Map<String, Object> primary = new LinkedHashMap<>(existing);
            primary.remove("cniVersion");
            list = new LinkedHashMap<>();
            list.put("cniVersion", LIST_VERSION);
            list.put("name", LIST_NAME);
            plugins = new ArrayList<>(List.of(primary));
        } else {
            list = new LinkedHashMap<>(existing);
            if (!(existing.get("plugins") instanceof List<?> l)) {
                throw new CniConfigException(CniConfigException.Reason.NOT_A_CNI_CONFIG, "\"plugins\" is not a list");
            }
            plugins = new ArrayList<>((List<Object>) l);
        }
        plugins.removeIf(CniConfigs::isOurs);
        plugins.add(entry);
        list.put("plugins", plugins);
        return list;
    }

    /** {@code existing} without our entry (uninstall). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> unchain(Map<String, Object> existing) {
        if (!(existing.get("plugins") instanceof List<?> l)) {
            return existing;
        }
        List<Object> plugins = new ArrayList<>((List<Object>) l);
        plugins.removeIf(CniConfigs::isOurs);
        Map<String, Object> out = new LinkedHashMap<>(existing);
        out.put("plugins", plugins);
        return out;
    }

    /** Whether {@code conf} has exactly {@code entry} as its last plugin. */
    public static boolean hasEntryLast(Map<String, Object> conf, Map<String, Object> entry) {
        if (!(conf.get("plugins") instanceof List<?> l) || l.isEmpty()) {
            return false;
        }
        return normalise(l.getLast()).equals(normalise(entry));
    }

    private static boolean isOurs(Object plugin) {
        return plugin instanceof Map<?, ?> m && CniInstallConfig.PLUGIN_NAME.equals(m.get("type"));
    }

    /** Through JSON and back, so numbers and collection types compare by value. */
    private static Object normalise(Object o) {
        return JSON.readValue(JSON.writeValueAsBytes(o), Object.class);
    }

    /** The bytes to write: indented JSON with sorted keys, newline-terminated. */
    public static byte[] render(Map<String, Object> conf) {
        String s = JSON.writeValueAsString(conf);
        return (s + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The file to chain into: {@code confName} if set (or its .conf/.conflist twin), else the first
     * .conf/.conflist by name, ignoring {@code ownFile} (our Istio-owned copy). Empty when there is none.
     */
    public static Optional<String> choose(List<String> files, Optional<String> confName, String ownFile) {
        if (confName.isPresent()) {
            String n = confName.get();
            if (files.contains(n)) {
                return confName;
            }
            String twin =
                    n.endsWith(".conf") ? n + "list" : n.endsWith(".conflist") ? n.substring(0, n.length() - 4) : n;
            return files.contains(twin) ? Optional.of(twin) : Optional.empty();
        }
        return files.stream()
                .filter(f -> f.endsWith(".conf") || f.endsWith(".conflist"))
                .filter(f -> !f.equals(ownFile))
                .min(Comparator.naturalOrder());
    }
}
