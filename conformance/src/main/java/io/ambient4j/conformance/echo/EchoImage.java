package io.ambient4j.conformance.echo;

import java.util.ArrayList;
import java.util.List;

/**
 * The echo app as a container image ({@code <hub>/echo:<tag>}, built by Jib in images/echo): what a pod's container
 * gets as arguments so the image serves the pod's declared container ports, and the command {@code kubectl exec}
 * runs for a probe. Kept here, next to {@link EchoMain}, so the runner and the image agree; the image's entrypoint
 * is Jib's {@code java <flags> -cp @/app/jib-classpath-file <main>}, checked by images/check.
 */
public final class EchoImage {
    /** The image name (as the charts' images: {@code <hub>/<name>:<tag>}). */
    public static final String NAME = "echo";
    /** The main class of the image's entrypoint. */
    public static final String MAIN_CLASS = "io.ambient4j.conformance.echo.EchoMain";
    /** The java command in the image, as Jib writes the entrypoint (PATH=/opt/java/bin in the image). */
    public static final List<String> JAVA = List.of(
            "java", "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp", "@/app/jib-classpath-file");

    private EchoImage() {}

    /** The container's {@code args} for serving the given ports: {@code serve name=port...} (pure). */
    public static List<String> serveArgs(List<EchoServer.Port> ports) {
        List<String> args = new ArrayList<>(List.of("serve"));
        ports.forEach(p -> args.add(
                p.name() == null || p.name().isEmpty() ? Integer.toString(p.port()) : p.name() + "=" + p.port()));
        return args;
    }

    /**
     * Parses {@link #serveArgs} after {@code serve} (pure); a bad entry is an {@link IllegalArgumentException}. No
     * ports is allowed: a client-only pod that serves nothing and stays up.
     */
    public static List<EchoServer.Port> parsePorts(List<String> entries) {
        List<EchoServer.Port> ports = new ArrayList<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? "" : e.substring(0, eq);
            String port = eq < 0 ? e : e.substring(eq + 1);
            int n;
            try {
                n = Integer.parseInt(port);
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("'" + e + "' is not name=port or port");
            }
            if (n < 1 || n > 65535) {
                throw new IllegalArgumentException("port " + n + " in '" + e + "' is out of range");
            }
            ports.add(new EchoServer.Port(name, n));
        }
        return ports;
    }

    /** The command {@code kubectl exec} runs in an echo pod for one probe (pure). */
    public static List<String> probeExec(List<String> probeArgs) {
        List<String> cmd = new ArrayList<>(JAVA);
        cmd.add(MAIN_CLASS);
        cmd.addAll(probeArgs);
        return cmd;
    }
}
