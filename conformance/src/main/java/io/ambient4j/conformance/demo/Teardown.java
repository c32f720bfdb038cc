package io.ambient4j.conformance.demo;

import io.ambient4j.conformance.mesh.Sh;
import io.ambient4j.conformance.mesh.StateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The last step's check that the harness's close left nothing behind: no network namespace named after the mesh
 * (nor its {@code /etc/netns} directory, where pods get their resolv.conf and a waypoint pod its hosts file), no run
 * directory, and none of the proxy processes the story saw (ztunnels, waypoints) still alive.
 */
public final class Teardown {
    private static final Path ETC_NETNS = Path.of("/etc/netns");

    private Teardown() {}

    /** What is left of mesh {@code prefix} (empty: clean). */
    public static List<String> leftovers(String prefix, List<Long> pids) {
        List<String> left = new ArrayList<>();
        Sh.Result ns = Sh.exec(List.of("ip", "netns", "list"), null);
        left.addAll(leftoverNetns(ns.stdout(), prefix));
        left.addAll(leftoverEtcNetns(ETC_NETNS, prefix));
        Path run = StateFile.ROOT.resolve(prefix);
        if (Files.exists(run)) {
            left.add("run directory " + run);
        }
        for (long pid : pids) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                left.add("process " + pid);
            }
        }
        return left;
    }

    /** The directories under {@code etcNetns} that belong to mesh {@code prefix}. */
    static List<String> leftoverEtcNetns(Path etcNetns, String prefix) {
        if (!Files.isDirectory(etcNetns)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(etcNetns)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(prefix + "-"))
                    .map(d -> "directory " + d)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of("unreadable " + etcNetns + ": " + e.getMessage());
        }
    }

    /** The namespaces of {@code ip netns list} output that belong to mesh {@code prefix} (pure). */
    static List<String> leftoverNetns(String ipNetnsList, String prefix) {
        return ipNetnsList
                .lines()
                .map(l -> l.strip().split("\\s+")[0])
                .filter(n -> n.startsWith(prefix + "-"))
                .map(n -> "netns " + n)
                .toList();
    }
}
