package io.ambient4j.common.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A listening AF_UNIX SOCK_SEQPACKET socket at a filesystem path. A stale socket file left by an earlier
 * run is removed first, as the agent must be able to restart on the same path. {@link #accept()} waits at
 * most the poll interval so an accept loop can notice shutdown.
 */
public final class SeqpacketListener implements AutoCloseable {
    private final Path path;
    private final OwnedFd fd;

    private SeqpacketListener(Path path, OwnedFd fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Removes a stale file at {@code path}, then binds and listens. */
    public static SeqpacketListener bind(Path path, int backlog, Duration acceptPoll) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        Files.deleteIfExists(path);
        OwnedFd fd = OwnedFd.adopt(Libc.socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = UnixAddress.of(path, arena);
            Libc.bind(fd.value(), addr, (int) addr.byteSize());
            Libc.listen(fd.value(), backlog);
            Libc.setTimeout(fd.value(), Libc.SO_RCVTIMEO, acceptPoll.toMillis());
            return new SeqpacketListener(path, fd);
        } catch (NetException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The socket path. */
    public Path path() {
        return path;
    }

    /**
     * Waits for one connection. Throws {@link NetException} with reason TIMEOUT when the poll interval
     * passes without one.
     */
    public SeqpacketSocket accept() throws NetException {
        return new SeqpacketSocket(OwnedFd.adopt(Libc.accept(fd.value())));
    }

    /** Stops listening and removes the socket file. */
    @Override
    public void close() throws IOException {
        try {
            fd.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
