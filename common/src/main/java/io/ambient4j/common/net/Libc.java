package io.ambient4j.common.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The only place that binds libc through {@code java.lang.foreign}. Constants and struct layouts are those of
 * 64-bit Linux (x86_64 and aarch64 agree on every value used here); the class refuses to load elsewhere so a
 * wrong layout can never silently corrupt memory.
 */
@SuppressWarnings("restricted") // This class is the one place allowed to call restricted FFM methods.
final class Libc {
    static final int AF_UNIX = 1;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    static final int SOL_SOCKET = 1;
    static final int SO_REUSEPORT = 15;
    static final int SO_RCVTIMEO = 20;
    static final int SO_SNDTIMEO = 21;
    static final int SO_MARK = 36;
    static final int SCM_RIGHTS = 1;

    static final int SOL_IP = 0;
    static final int IP_FREEBIND = 15;
    static final int IP_TRANSPARENT = 19;
    static final int SO_ORIGINAL_DST = 80;
    static final int SOL_IPV6 = 41;
    static final int IPV6_TRANSPARENT = 75;
    static final int IPV6_FREEBIND = 78;

    static final int MSG_PEEK = 0x2;
    static final int MSG_CTRUNC = 0x8;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;

    static final int SHUT_RDWR = 2;

    static final int EINTR = 4;
    static final int EAGAIN = 11;

    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x1;
    static final int EPOLLRDHUP = 0x2000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    /**
     * sizeof(struct epoll_event): {@code uint32_t events; uint64_t data}, packed on x86_64 (12 bytes) but naturally
     * aligned on aarch64 (16): the one layout here that differs between the two.
     */
    static final long EPOLL_EVENT_SIZE = "aarch64".equals(System.getProperty("os.arch")) ? 16 : 12;

    /** Offset of {@code data} in struct epoll_event. */
    static final long EPOLL_EVENT_DATA = EPOLL_EVENT_SIZE == 16 ? 8 : 4;

    /** struct msghdr: name, namelen(+pad), iov, iovlen, control, controllen, flags(+pad). */
    static final long MSGHDR_SIZE = 56;

    static final long MSG_NAME = 0;
    static final long MSG_NAMELEN = 8;
    static final long MSG_IOV = 16;
    static final long MSG_IOVLEN = 24;
    static final long MSG_CONTROL = 32;
    static final long MSG_CONTROLLEN = 40;
    static final long MSG_FLAGS = 48;
    /** struct iovec: base, len. */
    static final long IOVEC_SIZE = 16;
    /** struct cmsghdr header: len (size_t), level, type. */
    static final long CMSG_HDR = 16;
    /** CMSG_LEN(sizeof(int)). */
    static final long CMSG_LEN_ONE_FD = CMSG_HDR + 4;
    /** CMSG_SPACE(sizeof(int)), aligned to 8. */
    static final long CMSG_SPACE_ONE_FD = CMSG_HDR + 8;
    /** sizeof(struct sockaddr_un). */
    static final long SOCKADDR_UN_SIZE = 110;

    static final long SUN_PATH_MAX = 107;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = errnoCall("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = errnoCall("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = errnoCall("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = errnoCall("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = errnoCall("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CLOSE = errnoCall("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle SHUTDOWN = errnoCall("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle OPEN = errnoCall("open", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETNS = errnoCall("setns", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            errnoCall("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            errnoCall("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SENDMSG = errnoCall("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle RECVMSG = errnoCall("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    // No errno capture: a failed send(2) only means "not now" to its caller (see sendNow).
    private static final MethodHandle SEND_CRITICAL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("send"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
            Linker.Option.critical(true));
    private static final MethodHandle EPOLL_CREATE1 = errnoCall("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL =
            errnoCall("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT =
            errnoCall("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle EVENTFD = errnoCall("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle WRITE = errnoCall("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle READ = errnoCall("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    // recv(2) straight into a heap array; it never blocks (MSG_DONTWAIT), and the errno tells "nothing yet" from a
    // reset.
    private static final MethodHandle RECV_CRITICAL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("recv"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
            Linker.Option.critical(true),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    static {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            throw new ExceptionInInitializerError("native socket calls need 64-bit Linux, not " + os + "/" + arch);
        }
    }

    private Libc() {}

    private static MethodHandle errnoCall(String name, java.lang.foreign.MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(
                LINKER.defaultLookup().findOrThrow(name),
                FunctionDescriptor.of(result, args),
                Linker.Option.captureCallState("errno"));
    }

    /** One native invocation that receives the errno capture segment. */
    @FunctionalInterface
    interface Invocation {
        long call(MemorySegment errnoState) throws Throwable;
    }

    /** Runs a call, retrying on EINTR; a negative result becomes a {@link NetException} naming {@code op}. */
    static long invoke(String op, Invocation invocation) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            while (true) {
                long rc;
                try {
                    rc = invocation.call(state);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException("native call " + op + " failed to link", t);
                }
                if (rc >= 0) {
                    return rc;
                }
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == EINTR) {
                    continue;
                }
                throw error(op, errno);
            }
        }
    }

    static NetException error(String op, int errno) {
        NetException.Reason reason = errno == EAGAIN ? NetException.Reason.TIMEOUT : NetException.Reason.SYSCALL;
        return new NetException(reason, errno, op + ": " + strerror(errno) + " (errno " + errno + ")");
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static int socket(int domain, int type, int protocol) throws NetException {
        return (int) invoke("socket", s -> (int) SOCKET.invokeExact(s, domain, type, protocol));
    }

    static void bind(int fd, MemorySegment addr, int len) throws NetException {
        invoke("bind", s -> (int) BIND.invokeExact(s, fd, addr, len));
    }

    static void listen(int fd, int backlog) throws NetException {
        invoke("listen", s -> (int) LISTEN.invokeExact(s, fd, backlog));
    }

    static int accept(int fd) throws NetException {
        return (int) invoke(
                "accept4", s -> (int) ACCEPT4.invokeExact(s, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC));
    }

    static void connect(int fd, MemorySegment addr, int len) throws NetException {
        invoke("connect", s -> (int) CONNECT.invokeExact(s, fd, addr, len));
    }

    static void close(int fd) throws NetException {
        // No retry on EINTR for close(2): the descriptor is released either way on Linux.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc < 0) {
                int errno = (int) ERRNO.get(state, 0L);
                if (errno != EINTR) {
                    throw error("close", errno);
                }
            }
        } catch (NetException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call close failed to link", t);
        }
    }

    static void shutdown(int fd, int how) throws NetException {
        invoke("shutdown", s -> (int) SHUTDOWN.invokeExact(s, fd, how));
    }

    static int open(String path, int flags) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path);
            return (int) invoke("open " + path, s -> (int) OPEN.invokeExact(s, cpath, flags));
        }
    }

    static void setns(int fd, int nstype) throws NetException {
        invoke("setns", s -> (int) SETNS.invokeExact(s, fd, nstype));
    }

    static void setIntOption(int fd, int level, int name, int value, String what) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            invoke("setsockopt " + what, s -> (int) SETSOCKOPT.invokeExact(s, fd, level, name, v, 4));
        }
    }

    static int getIntOption(int fd, int level, int name, String what) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocateFrom(JAVA_INT, 4);
            invoke("getsockopt " + what, s -> (int) GETSOCKOPT.invokeExact(s, fd, level, name, v, len));
            return v.get(JAVA_INT, 0);
        }
    }

    /** getsockopt into a caller-provided buffer; returns the length the kernel wrote. */
    static int getOption(int fd, int level, int name, MemorySegment buf, Arena arena, String what) throws NetException {
        MemorySegment len = arena.allocateFrom(JAVA_INT, (int) buf.byteSize());
        invoke("getsockopt " + what, s -> (int) GETSOCKOPT.invokeExact(s, fd, level, name, buf, len));
        return len.get(JAVA_INT, 0);
    }

    /** Sets SO_RCVTIMEO or SO_SNDTIMEO (struct timeval of two longs). */
    static void setTimeout(int fd, int name, long millis) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tv = arena.allocate(16, 8);
            tv.set(JAVA_LONG, 0, millis / 1000);
            tv.set(JAVA_LONG, 8, (millis % 1000) * 1000);
            invoke("setsockopt timeout", s -> (int) SETSOCKOPT.invokeExact(s, fd, SOL_SOCKET, name, tv, 16));
        }
    }

    /**
     * send(2) with MSG_DONTWAIT | MSG_NOSIGNAL straight from a heap array (a critical call: it never blocks).
     * Returns the bytes sent, or -1 for any failure, EAGAIN included.
     */
    static long sendNow(int fd, byte[] buffer, int offset, int length) {
        MemorySegment data = MemorySegment.ofArray(buffer).asSlice(offset, length);
        try {
            return (long) SEND_CRITICAL.invokeExact(fd, data, (long) length, MSG_DONTWAIT | MSG_NOSIGNAL);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call send failed to link", t);
        }
    }

    static long sendmsg(int fd, MemorySegment msghdr, int flags) throws NetException {
        return invoke("sendmsg", s -> (long) SENDMSG.invokeExact(s, fd, msghdr, flags));
    }

    static long recvmsg(int fd, MemorySegment msghdr, int flags) throws NetException {
        return invoke("recvmsg", s -> (long) RECVMSG.invokeExact(s, fd, msghdr, flags));
    }

    /**
     * recv(2) with MSG_DONTWAIT into {@code buffer[offset, offset + length)}: the byte count, 0 at EOF, or -1 when
     * nothing is there yet (EAGAIN); any other failure (e.g. ECONNRESET) is thrown. {@code state} is the caller's
     * errno capture segment ({@link #newCallState}), reused so the hot path allocates nothing.
     */
    static long recvNow(MemorySegment state, int fd, byte[] buffer, int offset, int length) throws NetException {
        MemorySegment data = MemorySegment.ofArray(buffer).asSlice(offset, length);
        while (true) {
            long n;
            try {
                n = (long) RECV_CRITICAL.invokeExact(state, fd, data, (long) length, MSG_DONTWAIT | MSG_NOSIGNAL);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("native call recv failed to link", t);
            }
            if (n >= 0) {
                return n;
            }
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == EAGAIN) {
                return -1;
            }
            if (errno != EINTR) {
                throw error("recv", errno);
            }
        }
    }

    /** A segment for {@link #recvNow} and {@link #epollWait} to capture errno into; owned by one thread. */
    static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int epollCreate() throws NetException {
        return (int) invoke("epoll_create1", s -> (int) EPOLL_CREATE1.invokeExact(s, EPOLL_CLOEXEC));
    }

    /** epoll_ctl(2) with a level-triggered interest set and {@code token} as the event's data. */
    static void epollCtl(int epfd, int op, int fd, int events, long token) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(EPOLL_EVENT_SIZE, 8);
            ev.set(JAVA_INT, 0, events);
            ev.set(JAVA_LONG_UNALIGNED, EPOLL_EVENT_DATA, token);
            invoke("epoll_ctl", s -> (int) EPOLL_CTL.invokeExact(s, epfd, op, fd, ev));
        }
    }

    /**
     * epoll_wait(2) into {@code events} (room for {@code max} entries): how many are ready, 0 on timeout or when a
     * signal interrupted the wait. Blocks the calling (platform) thread.
     */
    static int epollWait(MemorySegment state, int epfd, MemorySegment events, int max, int timeoutMillis)
            throws NetException {
        int n;
        try {
            n = (int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call epoll_wait failed to link", t);
        }
        if (n >= 0) {
            return n;
        }
        int errno = (int) ERRNO.get(state, 0L);
        if (errno == EINTR) {
            return 0;
        }
        throw error("epoll_wait", errno);
    }

    static int eventfd() throws NetException {
        return (int) invoke("eventfd", s -> (int) EVENTFD.invokeExact(s, 0, EFD_NONBLOCK | EFD_CLOEXEC));
    }

    /** Adds one to an eventfd's counter, which makes it readable. */
    static void eventfdSignal(int fd) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            try {
                invoke("write", s -> (long) WRITE.invokeExact(s, fd, one, 8L));
            } catch (NetException e) {
                if (e.errno() != EAGAIN) { // a saturated counter is still readable: the signal is not lost
                    throw e;
                }
            }
        }
    }

    /** Resets an eventfd's counter to zero (non-blocking: nothing to read is fine). */
    static void eventfdDrain(int fd) throws NetException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            try {
                invoke("read", s -> (long) READ.invokeExact(s, fd, value, 8L));
            } catch (NetException e) {
                if (e.errno() != EAGAIN) {
                    throw e;
                }
            }
        }
    }
}
