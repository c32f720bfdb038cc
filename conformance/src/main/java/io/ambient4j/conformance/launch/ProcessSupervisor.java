package io.ambient4j.conformance.launch;

import io.ambient4j.conformance.mesh.MeshException;
import io.ambient4j.conformance.mesh.StateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts component processes inside their namespaces ({@code ip netns exec}), logs each to
 * {@code <run dir>/<instance>.log}, journals each pid so {@code mesh-down} can stop a crashed run, and
 * stops them all (SIGTERM, then SIGKILL after a grace period) on close.
 */
public final class ProcessSupervisor implements AutoCloseable {
    private final StateFile state;
    /** Components and per-pod proxies (the kubelet's worker starts those): a concurrent list. */
    private final List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ProcessSupervisor(StateFile state) {
        this.state = state;
    }

    public Process start(ComponentSpec spec) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", spec.netns()));
        cmd.addAll(spec.command());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(spec.env());
        Path log = state.dir().resolve(spec.instance() + ".log");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Process p = pb.start();
            state.record("pid", StateFile.processId(p.toHandle()));
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new MeshException(
                    MeshException.Reason.LAUNCH, "cannot start " + spec.instance() + ": " + e.getMessage());
        }
    }

    /** Stops one process: SIGTERM (the component drains as on a pod deletion), SIGKILL after 10 s. */
    public void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
