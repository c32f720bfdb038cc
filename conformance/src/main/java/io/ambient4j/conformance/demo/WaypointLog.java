package io.ambient4j.conformance.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The access log of one waypoint pod, read from the file the harness writes for its process
 * ({@code <run dir>/waypoint-<namespace>-<pod>.log}): the {@code request complete} lines the waypoint itself wrote,
 * from a {@link #mark()} on, so a check sees only the requests its own calls made.
 */
final class WaypointLog {
    private final Path file;

    WaypointLog(Path runDir, String namespace, String pod) {
        this.file = runDir.resolve("waypoint-" + namespace + "-" + pod + ".log");
    }

    Path file() {
        return file;
    }

    /** The current end of the log. */
    long mark() {
        try {
            return Files.exists(file) ? Files.size(file) : 0L;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The request entries written since {@code mark}. */
    List<AccessLogLine> requestsSince(long mark) {
        List<AccessLogLine> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length() - mark;
            if (len <= 0) {
                return out;
            }
            byte[] buf = new byte[(int) Math.min(len, 8L << 20)];
            f.seek(mark);
            f.readFully(buf);
            for (String line : new String(buf, StandardCharsets.UTF_8).split("\n")) {
                AccessLogLine.parseRequest(line).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }
}
