package io.ambient4j.conformance.demo;

import io.ambient4j.conformance.mesh.Sh;
import io.ambient4j.conformance.mesh.StateFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 9's check that the harness's close left nothing behind: no network namespace named after the mesh, no run
 * directory, and none of the ztunnel processes measured in the cost step still alive.
 */
public final class Teardown {
    private Teardown() {}

    /** What is left of mesh {@code prefix} (empty: clean). */
    public static List<String> leftovers(String prefix, List<Long> pids) {
        List<String> left = new ArrayList<>();
        Sh.Result ns = Sh.exec(List.of("ip", "netns", "list"), null);
        left.addAll(leftoverNetns(ns.stdout(), prefix));
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
