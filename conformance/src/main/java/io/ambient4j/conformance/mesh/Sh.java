package io.ambient4j.conformance.mesh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host tools the harness is made of ({@code ip}, {@code iptables-restore}, {@code sysctl}). Every
 * command runs from the JVM's own (root) namespace; {@link #inNetns} prefixes {@code ip netns exec}. A
 * non-zero exit becomes a {@link MeshException} carrying the command and its output, so a failed set-up
 * step says exactly what the kernel refused.
 */
public final class Sh {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Sh() {}

    /** The outcome of one command. */
    public record Result(int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** Runs the command and fails on a non-zero exit. */
    public static String run(String... command) {
        return run(List.of(command), null);
    }

    /** Runs the command with {@code stdin} and fails on a non-zero exit. */
    public static String run(List<String> command, String stdin) {
        Result r = exec(command, stdin);
        if (!r.ok()) {
            throw new MeshException(
                    MeshException.Reason.COMMAND_FAILED,
                    String.join(" ", command) + " exited " + r.exit() + ": "
                            + r.stderr().strip() + r.stdout().strip());
        }
        return r.stdout();
    }

    /** Runs the command and returns its result whatever the exit code (for best-effort clean-up). */
    public static Result exec(List<String> command, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
            Thread e = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new MeshException(
                        MeshException.Reason.COMMAND_FAILED, String.join(" ", command) + " timed out after " + TIMEOUT);
            }
            o.join();
            e.join();
            return new Result(
                    p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new MeshException(
                    MeshException.Reason.COMMAND_FAILED,
                    "cannot run " + String.join(" ", command) + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new MeshException(MeshException.Reason.COMMAND_FAILED, "interrupted running " + command);
        }
    }

    /** {@code ip netns exec <netns> <command...>}. */
    public static List<String> inNetns(String netns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return full;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process went away; what was read so far is kept
        }
    }
}
