package io.ambient4j.common.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket: message boundaries are kept and a descriptor can travel
 * with a message (SCM_RIGHTS). The JDK's Unix-domain channels are stream-only and cannot pass fds, and
 * ZDS needs both, hence this class.
 *
 * <p>Calls block the OS thread: run them on platform threads, not on virtual threads.
 */
public final class SeqpacketSocket implements AutoCloseable {
    /** Room for a few descriptors so a peer sending more than one is reported, not silently truncated. */
    private static final int MAX_FDS_SEEN = 4;

    private final OwnedFd fd;

    SeqpacketSocket(OwnedFd fd) {
        this.fd = fd;
    }

    /** Connects to a listening SEQPACKET socket at {@code path}. */
    public static SeqpacketSocket connect(Path path) throws NetException {
        OwnedFd fd = OwnedFd.adopt(Libc.socket(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = UnixAddress.of(path, arena);
            Libc.connect(fd.value(), addr, (int) addr.byteSize());
            return new SeqpacketSocket(fd);
        } catch (NetException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Read and write deadlines for every later call; a zero duration means no deadline. */
    public void setTimeouts(Duration read, Duration write) throws NetException {
        Libc.setTimeout(fd.value(), Libc.SO_RCVTIMEO, read.toMillis());
        Libc.setTimeout(fd.value(), Libc.SO_SNDTIMEO, write.toMillis());
    }

    /** Sends one message, with {@code passFd} attached as SCM_RIGHTS when present (the fd stays ours). */
    public void send(byte[] payload, Optional<OwnedFd> passFd) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Math.max(1, payload.length));
            MemorySegment.copy(payload, 0, data, ValueLayout.JAVA_BYTE, 0, payload.length);
            MemorySegment iov = arena.allocate(Libc.IOVEC_SIZE, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, payload.length);
            MemorySegment msg = arena.allocate(Libc.MSGHDR_SIZE, 8);
            msg.set(ADDRESS, Libc.MSG_IOV, iov);
            msg.set(JAVA_LONG, Libc.MSG_IOVLEN, 1);
            if (passFd.isPresent()) {
                MemorySegment control = arena.allocate(Libc.CMSG_SPACE_ONE_FD, 8);
                control.set(JAVA_LONG, 0, Libc.CMSG_LEN_ONE_FD);
                control.set(JAVA_INT, 8, Libc.SOL_SOCKET);
                control.set(JAVA_INT, 12, Libc.SCM_RIGHTS);
                control.set(JAVA_INT, Libc.CMSG_HDR, passFd.get().value());
                msg.set(ADDRESS, Libc.MSG_CONTROL, control);
                msg.set(JAVA_LONG, Libc.MSG_CONTROLLEN, Libc.CMSG_SPACE_ONE_FD);
            }
            long sent = Libc.sendmsg(fd.value(), msg, Libc.MSG_NOSIGNAL);
            if (sent != payload.length) {
                throw NetException.of(
                        NetException.Reason.TRUNCATED, "sendmsg sent " + sent + " of " + payload.length + " bytes");
            }
        }
    }

    /**
     * Receives one message of at most {@code maxSize} bytes. A larger message (MSG_TRUNC), cut control
     * data (MSG_CTRUNC) or anything other than zero or one SCM_RIGHTS fd is an error; any descriptors that
     * arrived with a rejected message are closed. Descriptors are received close-on-exec.
     */
    public Datagram receive(int maxSize) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(maxSize);
            MemorySegment iov = arena.allocate(Libc.IOVEC_SIZE, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, maxSize);
            long controlSize = Libc.CMSG_HDR + 4L * MAX_FDS_SEEN;
            MemorySegment control = arena.allocate(controlSize, 8);
            MemorySegment msg = arena.allocate(Libc.MSGHDR_SIZE, 8);
            msg.set(ADDRESS, Libc.MSG_IOV, iov);
            msg.set(JAVA_LONG, Libc.MSG_IOVLEN, 1);
            msg.set(ADDRESS, Libc.MSG_CONTROL, control);
            msg.set(JAVA_LONG, Libc.MSG_CONTROLLEN, controlSize);
            long n = Libc.recvmsg(fd.value(), msg, Libc.MSG_CMSG_CLOEXEC);
            int flags = msg.get(JAVA_INT, Libc.MSG_FLAGS);
            List<OwnedFd> fds = parseFds(control, msg.get(JAVA_LONG, Libc.MSG_CONTROLLEN));
            if ((flags & (Libc.MSG_TRUNC | Libc.MSG_CTRUNC)) != 0) {
                closeAll(fds);
                throw NetException.of(
                        NetException.Reason.TRUNCATED,
                        ((flags & Libc.MSG_TRUNC) != 0 ? "message longer than " + maxSize + " bytes" : "")
                                + ((flags & Libc.MSG_CTRUNC) != 0 ? " control data truncated" : ""));
            }
            if (fds.size() > 1) {
                closeAll(fds);
                throw NetException.of(
                        NetException.Reason.BAD_CONTROL_MESSAGE, "expected at most one fd, got " + fds.size());
            }
            if (n == 0 && fds.isEmpty()) {
                throw NetException.of(NetException.Reason.PEER_CLOSED, "peer closed the connection");
            }
            return new Datagram(
                    data.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE),
                    fds.stream().findFirst());
        }
    }

    private static List<OwnedFd> parseFds(MemorySegment control, long length) throws NetException {
        List<OwnedFd> fds = new ArrayList<>();
        boolean foreign = false;
        long offset = 0;
        while (offset + Libc.CMSG_HDR <= length) {
            long len = control.get(JAVA_LONG, offset);
            int level = control.get(JAVA_INT, offset + 8);
            int type = control.get(JAVA_INT, offset + 12);
            if (len < Libc.CMSG_HDR || offset + len > length) {
                break;
            }
            if (level == Libc.SOL_SOCKET && type == Libc.SCM_RIGHTS) {
                for (long p = offset + Libc.CMSG_HDR; p + 4 <= offset + len; p += 4) {
                    fds.add(OwnedFd.adopt(control.get(JAVA_INT, p)));
                }
            } else {
                foreign = true;
            }
            offset += (len + 7) & ~7L;
        }
        if (foreign) {
            closeAll(fds);
            throw NetException.of(NetException.Reason.BAD_CONTROL_MESSAGE, "control message other than SCM_RIGHTS");
        }
        return fds;
    }

    private static void closeAll(List<OwnedFd> fds) {
        for (OwnedFd f : fds) {
            try {
                f.close();
            } catch (NetException ignored) {
                // Already failing the receive; the descriptor is released by close(2) regardless.
            }
        }
    }

    /** What a non-blocking look at the socket shows. */
    public enum PeerState {
        /** Nothing to read; the peer is connected. */
        IDLE,
        /** A message is waiting. */
        DATA,
        /** The peer has closed its end. */
        CLOSED
    }

    /** Non-blocking liveness probe; consumes nothing (MSG_PEEK | MSG_DONTWAIT). */
    public PeerState peek() throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(1);
            MemorySegment iov = arena.allocate(Libc.IOVEC_SIZE, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, 1);
            MemorySegment msg = arena.allocate(Libc.MSGHDR_SIZE, 8);
            msg.set(ADDRESS, Libc.MSG_IOV, iov);
            msg.set(JAVA_LONG, Libc.MSG_IOVLEN, 1);
            try {
                long n = Libc.recvmsg(fd.value(), msg, Libc.MSG_PEEK | Libc.MSG_DONTWAIT);
                return n == 0 ? PeerState.CLOSED : PeerState.DATA;
            } catch (NetException e) {
                if (e.reason() == NetException.Reason.TIMEOUT) {
                    return PeerState.IDLE;
                }
                throw e;
            }
        }
    }

    /** True when the peer has closed its end. */
    public boolean peerClosed() throws NetException {
        return peek() == PeerState.CLOSED;
    }

    /** The descriptor (for diagnostics and for options not wrapped here). */
    public OwnedFd fd() {
        return fd;
    }

    /** Wakes any thread blocked in receive/send on this socket, then releases it. */
    @Override
    public void close() throws NetException {
        if (!fd.isClosed()) {
            try {
                Libc.shutdown(fd.value(), Libc.SHUT_RDWR);
            } catch (NetException ignored) {
                // Not connected any more: nothing to wake.
            }
        }
        fd.close();
    }
}
