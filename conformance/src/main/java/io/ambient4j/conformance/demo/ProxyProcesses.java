package io.ambient4j.conformance.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ztunnel processes this JVM's mesh started (its direct children running {@code io.ambient4j.ztunnel.Main}),
 * with the node each serves (its {@code NODE_NAME}) and its resident memory ({@code VmRSS} in
 * {@code /proc/<pid>/status}), so the cost step measures rather than quotes.
 */
public final class ProxyProcesses {
    static final String ZTUNNEL_MAIN = "io.ambient4j.ztunnel.Main";

    private ProxyProcesses() {}

    /** One running ztunnel: pid, node, resident set in KiB. */
    public record Ztunnel(long pid, String node, long rssKb) {}

    /** Every ztunnel child of this process, read now. */
    public static List<Ztunnel> ztunnels() {
        List<Ztunnel> out = new ArrayList<>();
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            Path proc = Path.of("/proc", Long.toString(child.pid()));
            try {
                String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                if (!List.of(cmdline.split("\0")).contains(ZTUNNEL_MAIN)) {
                    continue;
                }
                String node = envValue(Files.readAllBytes(proc.resolve("environ")), "NODE_NAME")
                        .orElse("?");
                long rss = vmRssKb(Files.readString(proc.resolve("status")));
                out.add(new Ztunnel(child.pid(), node, rss));
            } catch (IOException e) {
                // the process ended between listing and reading: it is not running, so it costs nothing now
            }
        }
        out.sort(java.util.Comparator.comparing(Ztunnel::node));
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
