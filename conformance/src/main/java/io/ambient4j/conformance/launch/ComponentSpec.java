package io.ambient4j.conformance.launch;

import java.util.List;
import java.util.Map;

/**
 * One process of a mesh component, e.g. the ztunnel of node-2: which namespace it runs in (a node's
 * namespace is its "host network"), the command line, its environment, and its readiness endpoint on
 * 127.0.0.1 inside that namespace ({@code readyPort} 0: none).
 */
public record ComponentSpec(
        String component,
        String instance,
        String netns,
        List<String> command,
        Map<String, String> env,
        int readyPort,
        String readyPath) {
    public ComponentSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }
}
