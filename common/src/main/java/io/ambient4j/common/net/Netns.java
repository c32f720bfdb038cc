package io.ambient4j.common.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An open handle on a network namespace. Holding the fd keeps the namespace usable even if its
 * bind mount or owning process goes away, which is why the agent caches these and hands them to
 * ztunnel over ZDS.
 */
public final class Netns implements AutoCloseable {
    /** Where {@code ip netns add} bind-mounts named namespaces. */
    public static final Path NAMED_DIR = Path.of("/var/run/netns");

    private final Path source;
    private final OwnedFd fd;

    private Netns(Path source, OwnedFd fd) {
        this.source = source;
        this.fd = fd;
    }

    /** Opens a namespace file such as {@code /var/run/netns/x} or {@code /proc/<pid>/ns/net}. */
    public static Netns open(Path path) throws NetException {
        return new Netns(path, OwnedFd.adopt(Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC)));
    }

    /** Opens a namespace created by {@code ip netns add name}. */
    public static Netns named(String name) throws NetException {
        if (name.isEmpty() || name.contains("/") || name.equals("..") || name.equals(".")) {
            throw NetException.of(NetException.Reason.INVALID_ARGUMENT, "bad netns name '" + name + "'");
        }
        return open(NAMED_DIR.resolve(name));
    }

    /** Opens the namespace of a process. */
    public static Netns ofPid(long pid) throws NetException {
        return open(Path.of("/proc", Long.toString(pid), "ns", "net"));
    }

    /** Opens the namespace the calling OS thread is in now. */
    public static Netns current() throws NetException {
        return open(Path.of("/proc/thread-self/ns/net"));
    }

    /** Wraps a namespace fd received from elsewhere (e.g. over SCM_RIGHTS); takes ownership. */
    public static Netns adopt(OwnedFd fd, Path describedAs) {
        return new Netns(describedAs, fd);
    }

    /** The path this handle was opened from (for logs). */
    public Path source() {
        return source;
    }

    /** The open descriptor; stays owned by this handle. */
    public OwnedFd fd() {
        return fd;
    }

    /** The namespace identity: the inode of the nsfs file behind the fd. */
    public long inode() throws IOException {
        return inodeOf(Path.of("/proc/self/fd", Integer.toString(fd.value())));
    }

    /** The namespace inode behind a path (nsfs bind mount, /proc/pid/ns/net or /proc/self/fd/N). */
    public static long inodeOf(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
    }

    @Override
    public void close() throws NetException {
        fd.close();
    }

    @Override
    public String toString() {
        return "netns " + source;
    }
}
