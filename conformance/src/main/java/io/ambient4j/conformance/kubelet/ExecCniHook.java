package io.ambient4j.conformance.kubelet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Invokes a CNI plugin binary the way a container runtime does (CNI spec 1.0: "Execution protocol"): the
 * operation and sandbox in {@code CNI_*} environment variables, the network configuration with the
 * previous plugin's result ({@code prevResult}, istio-cni being a chained plugin) as JSON on stdin; exit 0
 * is success, otherwise stdout holds an error object {@code {"code":..,"msg":..}}.
 */
public final class ExecCniHook implements CniHook {
    public static final String CNI_VERSION = "1.0.0";
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*(\\d+)");
    private static final Pattern MSG = Pattern.compile("\"msg\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Path plugin;
    private final String pluginConfig;
    private final Duration timeout;

    /**
     * @param plugin the plugin executable; its directory becomes {@code CNI_PATH}
     * @param pluginConfig extra top-level members of the plugin's network config, as JSON members without
     *     braces (e.g. {@code "kubernetes": {"kubeconfig": "/x"}}), or empty
     */
    public ExecCniHook(Path plugin, String pluginConfig, Duration timeout) {
        this.plugin = plugin;
        this.pluginConfig = pluginConfig;
        this.timeout = timeout;
    }

    /** The environment for one call (pure). */
    public static Map<String, String> environment(String command, CniRequest r, Path pluginDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", r.containerId());
        env.put("CNI_NETNS", r.netnsPath());
        env.put("CNI_IFNAME", r.ifName());
        env.put(
                "CNI_ARGS",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + r.podNamespace() + ";K8S_POD_NAME=" + r.podName()
                        + ";K8S_POD_INFRA_CONTAINER_ID=" + r.containerId() + ";K8S_POD_UID=" + r.podUid());
        env.put("CNI_PATH", pluginDir.toString());
        return env;
    }

    /** The stdin network configuration for one call (pure). */
    public static String stdin(CniRequest r, String pluginConfig) {
        StringBuilder b = new StringBuilder();
        b.append("{\"cniVersion\":\"").append(CNI_VERSION).append("\",");
        b.append("\"name\":\"ambient4j\",\"type\":\"istio-cni\",");
        if (pluginConfig != null && !pluginConfig.isBlank()) {
            b.append(pluginConfig.strip()).append(',');
        }
        b.append("\"prevResult\":").append(bridgeResult(r)).append('}');
        return b.toString();
    }

    /**
     * The result of the harness's own network step (veth on the node bridge, address from the node's pod
     * CIDR), in CNI 1.0 result form: what the primary plugin of a chain hands to the next one (pure).
     */
    public static String bridgeResult(CniRequest r) {
        return "{\"cniVersion\":\"" + CNI_VERSION + "\",\"interfaces\":[{\"name\":" + quote(r.ifName())
                + ",\"sandbox\":" + quote(r.netnsPath()) + "}],\"ips\":[{\"address\":"
                + quote(r.podIp() + "/" + r.prefixLength()) + ",\"gateway\":" + quote(r.gateway())
                + ",\"interface\":0}]}";
    }

    @Override
    public void add(CniRequest request) {
        call("ADD", request);
    }

    @Override
    public void del(CniRequest request) {
        try {
            call("DEL", request);
        } catch (CniException e) {
            System.getLogger(ExecCniHook.class.getName())
                    .log(System.Logger.Level.WARNING, "CNI DEL failed for {0}: {1}", request.podName(), e.getMessage());
        }
    }

    private void call(String command, CniRequest request) {
        exec(plugin, command, request, stdin(request, pluginConfig), timeout);
    }

    /**
     * Runs one plugin binary for one operation with the given stdin configuration; returns its stdout
     * (the result, for ADD). {@code CNI_PATH} is the binary's directory.
     */
    public static String exec(Path plugin, String command, CniRequest request, String stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(plugin.toString());
        Path dir = plugin.toAbsolutePath().getParent();
        pb.environment().putAll(environment(command, request, dir));
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a plugin may exit without reading its configuration (e.g. on an early error): judge by exit code
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new CniException(-1, plugin + " " + command + " timed out after " + timeout);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw error(p.exitValue(), out, err);
            }
            return out;
        } catch (IOException e) {
            throw new CniException(-1, "cannot run " + plugin + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniException(-1, "interrupted running " + plugin);
        }
    }

    /** Turns a failed call's output into an exception (pure). */
    static CniException error(int exit, String stdout, String stderr) {
        Matcher code = CODE.matcher(stdout);
        Matcher msg = MSG.matcher(stdout);
        int c = code.find() ? Integer.parseInt(code.group(1)) : -1;
        String m = msg.find() ? msg.group(1) : ("exit " + exit + ": " + (stdout + stderr).strip());
        return new CniException(c, m);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
