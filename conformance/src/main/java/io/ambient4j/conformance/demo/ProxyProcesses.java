package io.ambient4j.conformance.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The proxy processes this JVM's mesh started (its direct children running {@code io.ambient4j.ztunnel.Main}, one
 * per node, or {@code io.ambient4j.waypoint.Main}, one per waypoint pod), with the node or pod each serves (its
 * {@code NODE_NAME} / {@code POD_NAME}) and its resident memory ({@code VmRSS} in {@code /proc/<pid>/status}), so
 * the cost step measures rather than quotes and the clean-up check knows every proxy it must see gone.
 */
public final class ProxyProcesses {
    static final String ZTUNNEL_MAIN = "io.ambient4j.ztunnel.Main";
    static final String WAYPOINT_MAIN = "io.ambient4j.waypoint.Main";

    private ProxyProcesses() {}

    /** One running ztunnel: pid, node, resident set in KiB. */
    public record Ztunnel(long pid, String node, long rssKb) {}

    /** One running waypoint: pid, pod ({@code POD_NAME}), resident set in KiB. */
    public record Waypoint(long pid, String pod, long rssKb) {}

    /** Every ztunnel child of this process, read now. */
    public static List<Ztunnel> ztunnels() {
        List<Ztunnel> out = new ArrayList<>();
        children(ZTUNNEL_MAIN, "NODE_NAME").forEach(c -> out.add(new Ztunnel(c.pid(), c.name(), c.rssKb())));
        out.sort(Comparator.comparing(Ztunnel::node));
        return out;
    }

    /** Every waypoint child of this process (the kubelet runs one per waypoint pod), read now. */
    public static List<Waypoint> waypoints() {
        List<Waypoint> out = new ArrayList<>();
        children(WAYPOINT_MAIN, "POD_NAME").forEach(c -> out.add(new Waypoint(c.pid(), c.name(), c.rssKb())));
        out.sort(Comparator.comparing(Waypoint::pod));
        return out;
    }

    /** The pids of every proxy child (ztunnels and waypoints), read now. */
    public static List<Long> pids() {
        List<Long> out = new ArrayList<>();
        ztunnels().forEach(z -> out.add(z.pid()));
        waypoints().forEach(w -> out.add(w.pid()));
        return out;
    }

    private record Child(long pid, String name, long rssKb) {}

    private static List<Child> children(String main, String nameVariable) {
        List<Child> out = new ArrayList<>();
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            Path proc = Path.of("/proc", Long.toString(child.pid()));
            try {
                String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                if (!List.of(cmdline.split("\0")).contains(main)) {
                    continue;
                }
                String name = envValue(Files.readAllBytes(proc.resolve("environ")), nameVariable)
                        .orElse("?");
                out.add(new Child(child.pid(), name, vmRssKb(Files.readString(proc.resolve("status")))));
            } catch (IOException e) {
                // the process ended between listing and reading: it is not running, so it costs nothing now
            }
        }
        return out;
    }

    /** {@code VmRSS:  200808 kB} from a {@code /proc/<pid>/status} text (pure). */
    public static long vmRssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring(6).strip().split("\\s+");
                if (f.length == 2 && f[1].equals("kB")) {
                    return Long.parseLong(f[0]);
                }
                throw new IllegalArgumentException("unexpected VmRSS line: '" + line + "'");
            }
        }
        throw new IllegalArgumentException("no VmRSS line (a kernel thread or a zombie has no resident set)");
    }

    /** The value of {@code name} in a NUL-separated {@code /proc/<pid>/environ} (pure). */
    public static Optional<String> envValue(byte[] environ, String name) {
        for (String kv : new String(environ, StandardCharsets.UTF_8).split("\0")) {
            if (kv.startsWith(name + "=")) {
                return Optional.of(kv.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }
}
