package io.ambient4j.conformance.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The access log of each node's ztunnel, read from the file the harness writes for it
 * ({@code <run dir>/ztunnel-<node>.log}). A {@link #mark()} remembers where every file ends so a step sees only
 * the entries its own traffic produced.
 */
public final class ZtunnelLogs {
    private final Map<String, Path> files = new LinkedHashMap<>();

    public ZtunnelLogs(Path runDir, List<String> nodes) {
        nodes.forEach(n -> files.put(n, runDir.resolve("ztunnel-" + n + ".log")));
    }

    public Path file(String node) {
        return files.get(node);
    }

    /** The current end of every node's log. */
    public Map<String, Long> mark() {
        Map<String, Long> m = new LinkedHashMap<>();
        files.forEach((node, p) -> {
            try {
                m.put(node, Files.exists(p) ? Files.size(p) : 0L);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
        });
        return m;
    }

    /** Access-log entries written to {@code node}'s log since {@code mark}. */
    public List<AccessLogLine> since(Map<String, Long> mark, String node) {
        Path p = files.get(node);
        List<AccessLogLine> out = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long from = mark.getOrDefault(node, 0L);
            long len = f.length() - from;
            if (len <= 0) {
                return out;
            }
            byte[] buf = new byte[(int) Math.min(len, 8L << 20)];
            f.seek(from);
            f.readFully(buf);
            for (String line : new String(buf, StandardCharsets.UTF_8).split("\n")) {
                Optional<AccessLogLine> entry = AccessLogLine.parse(line);
                entry.ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        return out;
    }
}
