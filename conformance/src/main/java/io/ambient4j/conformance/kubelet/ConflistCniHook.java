package io.ambient4j.conformance.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs each node's CNI chain the way a container runtime does: the first {@code .conflist}/{@code .conf}
 * (by name) in the node's {@code net.d}, its plugins in order, each getting the previous one's result as
 * {@code prevResult}. The primary plugin of the harness's {@code 10-ambient4j.conflist} ({@value
 * #PRIMARY_TYPE}) is the harness's own veth/address step, already done by the kubelet; every other plugin
 * is executed from the node's CNI {@code bin} directory, so istio-cni runs exactly when the node's agent
 * has chained itself into the config, and with the config the agent wrote. A missing binary or a failing
 * plugin fails ADD (the pod stays Pending and is retried: fail closed).
 */
public final class ConflistCniHook implements CniHook {
    /** The plugin type of the harness's primary network, realised by the kubelet itself. */
    public static final String PRIMARY_TYPE = "bridge";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path runDir;
    private final Duration timeout;

    /** @param runDir the mesh run directory; node host paths are {@code <runDir>/<node>/{net.d,bin}} */
    public ConflistCniHook(Path runDir, Duration timeout) {
        this.runDir = runDir;
        this.timeout = timeout;
    }

    /** One plugin of the chain: its type and the network config it gets on stdin (without prevResult). */
    record Step(String type, ObjectNode config) {}

    /** The chain a runtime would run for {@code conflist} text (pure). */
    static List<Step> chain(String conflist) {
        JsonNode root;
        try {
            root = JSON.readTree(conflist);
        } catch (JacksonException e) {
            throw new CniException(1, "invalid CNI network config: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CniException(1, "invalid CNI network config: not a JSON object");
        }
        String name = root.path("name").asString("");
        String version = root.path("cniVersion").asString(ExecCniHook.CNI_VERSION);
        List<Step> steps = new ArrayList<>();
        JsonNode plugins = root.get("plugins");
        List<JsonNode> entries = new ArrayList<>();
        if (plugins != null && plugins.isArray()) {
            plugins.forEach(entries::add);
        } else {
            entries.add(root); // a single-plugin .conf
        }
        for (JsonNode p : entries) {
            if (!p.isObject() || !p.path("type").isString()) {
                throw new CniException(1, "invalid CNI network config: a plugin without a type");
            }
            ObjectNode cfg = ((ObjectNode) p).deepCopy();
            cfg.put("cniVersion", version);
            cfg.put("name", name);
            cfg.remove("prevResult");
            steps.add(new Step(p.get("type").asString(), cfg));
        }
        return steps;
    }

    private Optional<Path> conflist(String node) {
        Path dir = runDir.resolve(node).resolve("net.d");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".conflist") || n.endsWith(".conf");
                    })
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            throw new CniException(-1, "cannot read " + dir + ": " + e.getMessage());
        }
    }

    private List<Step> steps(CniRequest r) {
        Optional<Path> file = conflist(r.node());
        if (file.isEmpty()) {
            throw new CniException(-1, "network plugin not ready: no CNI config in " + runDir.resolve(r.node()));
        }
        try {
            return chain(Files.readString(file.get()));
        } catch (IOException e) {
            throw new CniException(-1, "cannot read " + file.get() + ": " + e.getMessage());
        }
    }

    @Override
    public void add(CniRequest request) {
        String prev = ExecCniHook.bridgeResult(request);
        for (Step s : steps(request)) {
            if (s.type().equals(PRIMARY_TYPE)) {
                continue; // the kubelet made the veth and address; its result is prev
            }
            String out = ExecCniHook.exec(binary(request, s), "ADD", request, stdin(s, prev), timeout);
            if (!out.isBlank()) {
                prev = out.strip();
            }
        }
    }

    @Override
    public void del(CniRequest request) {
        List<Step> steps;
        try {
            steps = steps(request);
        } catch (CniException e) {
            return; // no config: nothing of the chain to undo
        }
        String prev = ExecCniHook.bridgeResult(request);
        for (Step s : steps.reversed()) {
            if (s.type().equals(PRIMARY_TYPE)) {
                continue;
            }
            try {
                ExecCniHook.exec(binary(request, s), "DEL", request, stdin(s, prev), timeout);
            } catch (CniException e) {
                System.getLogger(ConflistCniHook.class.getName())
                        .log(
                                System.Logger.Level.WARNING,
                                "CNI DEL of {0} failed for {1}: {2}",
                                s.type(),
                                request.podName(),
                                e.getMessage());
            }
        }
    }

    private Path binary(CniRequest r, Step s) {
        Path bin = runDir.resolve(r.node()).resolve("bin").resolve(s.type());
        if (!Files.isExecutable(bin)) {
            throw new CniException(-1, "failed to find plugin \"" + s.type() + "\" in " + bin.getParent());
        }
        return bin;
    }

    /** The stdin of one chained plugin: its config with the previous result (pure). */
    static String stdin(Step s, String prevResult) {
        ObjectNode cfg = s.config().deepCopy();
        try {
            cfg.set("prevResult", JSON.readTree(prevResult));
        } catch (JacksonException e) {
            throw new CniException(7, "the previous plugin's result is not JSON: " + e.getMessage());
        }
        return cfg.toString();
    }
}
