package io.ambient4j.cni.netns;

import io.ambient4j.cni.rules.IptablesVariant;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs iptables, nft, ip and ipset inside a chosen network namespace. The process is started on the
 * namespace thread (a child inherits the thread's netns, so no {@code nsenter} is needed) and then
 * waited for on the caller's thread.
 */
public final class CommandRunner {
    /** Exit status and output of one command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws unless the command succeeded. */
        public Result orThrow() throws NetnsCommandException {
            if (!ok()) {
                throw new NetnsCommandException(
                        NetnsCommandException.Reason.COMMAND_FAILED,
                        String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip());
            }
            return this;
        }
    }

    private final NetnsExecutor executor;
    private final Duration timeout;
    private final IptablesVariant iptables;

    public CommandRunner(NetnsExecutor executor, Duration timeout) {
        this(executor, timeout, IptablesVariant.PLAIN);
    }

    private CommandRunner(NetnsExecutor executor, Duration timeout, IptablesVariant iptables) {
        this.executor = executor;
        this.timeout = timeout;
        this.iptables = iptables;
    }

    /** The same runner, running iptables tools of {@code variant} (detected once on the host). */
    public CommandRunner withIptables(IptablesVariant variant) {
        return new CommandRunner(executor, timeout, variant);
    }

    public IptablesVariant iptables() {
        return iptables;
    }

    /** The executor whose thread starts the commands. */
    public NetnsExecutor executor() {
        return executor;
    }

    /**
     * Writes a network sysctl ({@code net.ipv4.tcp_migrate_req}) inside {@code netns}: the file is opened on the
     * namespace thread, and /proc/sys/net belongs to the namespace of the task that opens it. No binary needed.
     */
    public void writeSysctl(Netns netns, String key, String value) throws IOException {
        if (!key.matches("net(\\.[a-z0-9_]+)+")) {
            throw new IllegalArgumentException("not a network sysctl: " + key);
        }
        java.nio.file.Path file = java.nio.file.Path.of("/proc/sys", key.replace('.', '/'));
        executor.call(netns, () -> java.nio.file.Files.writeString(file, value));
    }

    /** Runs {@code command} in {@code netns}, feeding {@code stdin} when not null. */
    public Result run(Netns netns, List<String> generic, String stdin) throws IOException {
        List<String> command = iptables.rewrite(generic);
        String name = String.join(" ", command);
        Process process = executor.call(netns, () -> new ProcessBuilder(command).start());
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> out = readers.submit(() -> readAll(process.getInputStream()));
            Future<String> err = readers.submit(() -> readAll(process.getErrorStream()));
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new NetnsCommandException(
                        NetnsCommandException.Reason.TIMEOUT, name + " did not finish within " + timeout);
            }
            return new Result(
                    command,
                    process.exitValue(),
                    out.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + name, e);
        } catch (ExecutionException e) {
            throw new IOException("reading output of " + name, e.getCause());
        } catch (TimeoutException e) {
            throw new NetnsCommandException(NetnsCommandException.Reason.TIMEOUT, name + " output did not close");
        }
    }

    /** Runs and throws on a non-zero exit. */
    public Result check(Netns netns, List<String> command) throws IOException {
        return run(netns, command, null).orThrow();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
