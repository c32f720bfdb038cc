package io.ambient4j.conformance.cli;

import io.ambient4j.conformance.scenario.ExternalClusterException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@code Conformance} runs the scenarios, from its arguments and environment (pure): the local mesh (no
 * kubeconfig), or an external cluster named by {@code --kubeconfig <file>} or a non-empty {@code KUBECONFIG}, which
 * then also needs {@code --image echo=<ref>} (or {@code ECHO_IMAGE}) for the echo pods. {@code --image name=ref} may
 * repeat; only {@code echo} is used today. Bad or incomplete arguments are an {@link ExternalClusterException} with
 * reason USAGE saying what is missing.
 */
public sealed interface RunTarget {
    /** The local mesh (today's default). */
    record Local() implements RunTarget {}

    /** A cluster named by a kubeconfig, its echo pods running {@code echoImage}. */
    record External(Path kubeconfig, String echoImage, Map<String, String> images) implements RunTarget {
        public External {
            images = Map.copyOf(images);
        }
    }

    String USAGE = "usage: Conformance [--kubeconfig <file>] [--image echo=<hub>/echo:<tag>]"
            + " (KUBECONFIG and ECHO_IMAGE work too; without a kubeconfig the local mesh is used)";

    /** Decides the target (pure). */
    static RunTarget parse(List<String> args, Map<String, String> env) {
        String kubeconfig = null;
        Map<String, String> images = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value;
            String flag;
            if (a.startsWith("--") && a.contains("=") && (a.startsWith("--kubeconfig=") || a.startsWith("--image="))) {
                flag = a.substring(0, a.indexOf('='));
                value = a.substring(a.indexOf('=') + 1);
            } else {
                flag = a;
                if (!flag.equals("--kubeconfig") && !flag.equals("--image")) {
                    throw usage("unknown argument '" + a + "'");
                }
                if (i + 1 >= args.size()) {
                    throw usage(flag + " needs a value");
                }
                value = args.get(++i);
            }
            if (flag.equals("--kubeconfig")) {
                kubeconfig = value;
            } else {
                int eq = value.indexOf('=');
                if (eq <= 0 || eq == value.length() - 1) {
                    throw usage("--image wants <name>=<image reference>, got '" + value + "'");
                }
                images.put(value.substring(0, eq), value.substring(eq + 1));
            }
        }
        if (kubeconfig == null || kubeconfig.isBlank()) {
            kubeconfig = env.get("KUBECONFIG");
        }
        if (kubeconfig == null || kubeconfig.isBlank()) {
            if (!images.isEmpty()) {
                throw usage("--image is for an external cluster: give --kubeconfig too");
            }
            return new Local();
        }
        if (kubeconfig.contains(":")) {
            throw usage("KUBECONFIG lists several files (" + kubeconfig + "): name one with --kubeconfig");
        }
        String echo = images.getOrDefault("echo", env.get("ECHO_IMAGE"));
        if (echo == null || echo.isBlank()) {
            throw usage("an external cluster (kubeconfig " + kubeconfig + ") needs the echo image:"
                    + " --image echo=<hub>/echo:<tag> (make images builds it)");
        }
        images.putIfAbsent("echo", echo);
        return new External(Path.of(kubeconfig), echo, images);
    }

    private static ExternalClusterException usage(String what) {
        return new ExternalClusterException(ExternalClusterException.Reason.USAGE, what + "\n" + USAGE);
    }
}
