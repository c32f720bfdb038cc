package io.ambient4j.common.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
}
