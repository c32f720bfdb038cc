package io.ambient4j.common.net;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A raw file descriptor this process owns and must close exactly once. Descriptors received over
 * SCM_RIGHTS or opened for a netns are not JDK channels, so without an owner they would leak.
 */
public final class OwnedFd implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OwnedFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative file descriptor " + fd);
        }
        this.fd = fd;
    }

    /** Takes ownership of a descriptor; the caller must not close it any other way. */
    public static OwnedFd adopt(int fd) {
        return new OwnedFd(fd);
    }

    /** The descriptor number; valid until {@link #close()}. */
    public int value() {
        if (closed.get()) {
            throw new IllegalStateException("file descriptor " + fd + " is closed");
        }
        return fd;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Closes once; later calls do nothing. */
    @Override
    public void close() throws NetException {
        if (closed.compareAndSet(false, true)) {
            Libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + (closed.get() ? " (closed)" : "");
    }
}
