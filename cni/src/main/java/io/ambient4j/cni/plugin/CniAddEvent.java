package io.ambient4j.cni.plugin;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the plugin sends on {@code POST /cmdadd}: the sandbox's netns path as the runtime gave it, the pod's
 * name and namespace from {@code CNI_ARGS}, and the pod IPs from {@code prevResult}. The JSON shape is
 * upstream's ({@code Netns}, {@code PodName}, {@code PodNamespace}, {@code IPs[].Address.IP}) so either
 * side can talk to the other implementation.
 */
public record CniAddEvent(String netns, String podName, String podNamespace, List<String> ips) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public CniAddEvent {
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(podNamespace, "podNamespace");
        ips = List.copyOf(ips);
    }

    /** Parses and validates a request body. */
    public static CniAddEvent parse(byte[] body) throws PluginEventException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new PluginEventException(PluginEventException.Reason.MALFORMED_JSON, e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PluginEventException(PluginEventException.Reason.MALFORMED_JSON, "body is not a JSON object");
        }
        String netns = text(root, "Netns");
        String name = text(root, "PodName");
        String namespace = text(root, "PodNamespace");
        List<String> ips = new ArrayList<>();
        JsonNode list = root.get("IPs");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new PluginEventException(PluginEventException.Reason.MALFORMED_JSON, "IPs is not a list");
            }
            for (JsonNode ipc : list) {
                ips.add(address(ipc.get("Address")));
            }
        }
        return new CniAddEvent(netns, name, namespace, ips);
    }

    private static String text(JsonNode root, String field) throws PluginEventException {
        JsonNode n = root.get(field);
        if (n == null || !n.isString() || n.asString().isBlank()) {
            throw new PluginEventException(PluginEventException.Reason.MISSING_FIELD, field + " is missing or empty");
        }
        return n.asString();
    }

    /** {@code {"IP": "10.1.0.5", "Mask": "..."}} as upstream sends it, or a plain (CIDR) string. */
    private static String address(JsonNode a) throws PluginEventException {
        String ip;
        if (a != null && a.isObject() && a.get("IP") != null && a.get("IP").isString()) {
            ip = a.get("IP").asString();
        } else if (a != null && a.isString()) {
            ip = a.asString().split("/", 2)[0];
        } else {
            throw new PluginEventException(PluginEventException.Reason.BAD_ADDRESS, "IPs[].Address has no IP");
        }
        try {
            InetAddress.ofLiteral(ip);
            return ip;
        } catch (IllegalArgumentException e) {
            throw new PluginEventException(
                    PluginEventException.Reason.BAD_ADDRESS, "'" + ip + "' is not an IP address");
        }
    }
}
