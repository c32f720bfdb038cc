package io.ambient4j.conformance.mesh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A pod's "pause" process: a long-lived {@code sleep} inside the pod's network namespace and in a cgroup
 * named {@code pod<uid>} (kubelet's cgroupfs naming), so anything that finds a running pod's namespace
 * the way a node agent does ({@code /proc/<pid>/cgroup} naming the pod UID, then {@code /proc/<pid>/ns/net})
 * finds it, as it finds a real pod's infra container. Both the process and the cgroup are journalled.
 */
public final class PauseProcess {
    private static final System.Logger LOG = System.getLogger(PauseProcess.class.getName());
    /** Hierarchies tried for the pod cgroups, first usable wins (v1 named/controller ones, then v2). */
    private static final List<Path> HIERARCHIES = List.of(
            Path.of("/sys/fs/cgroup/pids"),
            Path.of("/sys/fs/cgroup/systemd"),
            Path.of("/sys/fs/cgroup/unified"),
            Path.of("/sys/fs/cgroup"));

    private final Process process;
    private final Path cgroup;

    private PauseProcess(Process process, Path cgroup) {
        this.process = process;
        this.cgroup = cgroup;
    }

    /** The hierarchy to use, if this machine has a writable one. */
    static Optional<Path> hierarchy() {
        return HIERARCHIES.stream()
                .filter(h -> Files.isWritable(h.resolve("cgroup.procs")))
                .findFirst();
    }

    /** The pod's cgroup directory under a hierarchy (pure). */
    static Path cgroupDir(Path hierarchy, String prefix, String uid) {
        return hierarchy.resolve("ambient4j-" + prefix).resolve("kubepods").resolve("pod" + uid);
    }

    /** Starts the pause process for pod {@code uid} in {@code netns}; the process joins the cgroup first. */
    public static PauseProcess start(StateFile state, String prefix, String netns, String uid) {
        Path h = hierarchy()
                .orElseThrow(() -> new MeshException(
                        MeshException.Reason.NETWORK, "no writable cgroup hierarchy for pod pause processes"));
        Path dir = cgroupDir(h, prefix, uid);
        state.record("cgroup", dir.toString());
        try {
            Files.createDirectories(dir);
            // the shell joins the cgroup, then becomes `ip netns exec`, which becomes sleep: one pid throughout
            Process p = new ProcessBuilder(
                            "sh",
                            "-c",
                            "echo $$ > \"$1\" && exec ip netns exec \"$2\" sleep infinity",
                            "pause",
                            dir.resolve("cgroup.procs").toString(),
                            netns)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            state.record("pid", StateFile.processId(p.toHandle()));
            return new PauseProcess(p, dir);
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.NETWORK, "cannot start the pause process of " + netns, e);
        }
    }

    /** Stops the process and removes its cgroup. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeCgroup(cgroup);
    }

    /** Removes a pod cgroup and its empty parents up to the hierarchy root (best effort). */
    static void removeCgroup(Path dir) {
        Path d = dir;
        for (int i = 0; i < 3 && d != null; i++, d = d.getParent()) {
            try {
                Files.deleteIfExists(d); // rmdir: a cgroup goes once it has no processes or children
            } catch (IOException e) {
                if (i == 0) {
                    LOG.log(System.Logger.Level.WARNING, "cannot remove cgroup {0}: {1}", d, e.toString());
                }
                return;
            }
        }
    }
}
