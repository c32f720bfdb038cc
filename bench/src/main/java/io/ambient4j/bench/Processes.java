package io.ambient4j.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small process and /proc helpers shared by the tunnel benchmark's paths. */
final class Processes {
    private Processes() {}

    /** Resident set size of {@code pid} in KiB ({@code VmRSS} of /proc/<pid>/status). */
    static long rssKb(long pid) throws IOException {
        return statusField(pid, "VmRSS:");
    }

    /**
     * CPU time (user + system) {@code pid} has used so far, in milliseconds, from /proc/<pid>/stat (clock ticks of
     * 10 ms: read it around phases of seconds, not single requests).
     */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // fields 14 and 15, CLK_TCK = 100
    }

    /** CPU milliseconds of all of {@code processes} together. */
    static long cpuMillis(List<TunnelPath.ProxyProcess> processes) throws IOException {
        long sum = 0;
        for (TunnelPath.ProxyProcess p : processes) {
            sum += cpuMillis(p.pid());
        }
        return sum;
    }

    /** OS threads of {@code pid}. */
    static long threads(long pid) throws IOException {
        return statusField(pid, "Threads:");
    }

    private static long statusField(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no " + field + " for pid " + pid + " (exited?)");
    }

    /** Waits until something accepts on {@code address}, failing if {@code p} dies or the deadline passes. */
    static void awaitListening(Process p, InetSocketAddress address, Duration deadline)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(address, 1000);
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("process " + p.pid() + " exited with " + p.exitValue(), e);
                }
                if (System.nanoTime() > end) {
                    throw new IOException("nothing listening on " + address + " after " + deadline, e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** SIGTERM, then SIGKILL after two seconds. */
    static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
