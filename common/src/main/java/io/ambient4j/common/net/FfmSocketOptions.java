package io.ambient4j.common.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;

/** {@link SocketOptions} through {@code java.lang.foreign} on the fd of a JDK channel. */
final class FfmSocketOptions implements SocketOptions {
    static final FfmSocketOptions INSTANCE = new FfmSocketOptions();

    private static final ValueLayout.OfShort NET_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private FfmSocketOptions() {}

    @Override
    public void setMark(NetworkChannel channel, int mark) throws IOException {
        Libc.setIntOption(fdOf(channel), Libc.SOL_SOCKET, Libc.SO_MARK, mark, "SO_MARK");
    }

    @Override
    public int mark(NetworkChannel channel) throws IOException {
        return Libc.getIntOption(fdOf(channel), Libc.SOL_SOCKET, Libc.SO_MARK, "SO_MARK");
    }

    @Override
    public void setTransparent(NetworkChannel channel) throws IOException {
        int fd = fdOf(channel);
        // The JDK opens dual-stack AF_INET6 sockets; the SOL_IP option is what IPv4 traffic on them uses.
        Libc.setIntOption(fd, Libc.SOL_IP, Libc.IP_TRANSPARENT, 1, "IP_TRANSPARENT");
        if (isInet6(channel)) {
            Libc.setIntOption(fd, Libc.SOL_IPV6, Libc.IPV6_TRANSPARENT, 1, "IPV6_TRANSPARENT");
        }
    }

    @Override
    public void setFreebind(NetworkChannel channel) throws IOException {
        int fd = fdOf(channel);
        Libc.setIntOption(fd, Libc.SOL_IP, Libc.IP_FREEBIND, 1, "IP_FREEBIND");
        if (isInet6(channel)) {
            Libc.setIntOption(fd, Libc.SOL_IPV6, Libc.IPV6_FREEBIND, 1, "IPV6_FREEBIND");
        }
    }

    @Override
    public void setReusePort(NetworkChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }

    @Override
    public InetSocketAddress originalDestination(SocketChannel channel) throws IOException {
        int fd = fdOf(channel);
        InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
        if (peer == null) {
            throw NetException.of(NetException.Reason.INVALID_ARGUMENT, "SO_ORIGINAL_DST on an unconnected socket");
        }
        boolean v4 = peer.getAddress() instanceof Inet4Address;
        try (Arena arena = Arena.ofConfined()) {
            if (v4) {
                MemorySegment sin = arena.allocate(16);
                Libc.getOption(fd, Libc.SOL_IP, Libc.SO_ORIGINAL_DST, sin, arena, "SO_ORIGINAL_DST");
                byte[] ip = sin.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
                return new InetSocketAddress(address(ip), Short.toUnsignedInt(sin.get(NET_SHORT, 2)));
            }
            MemorySegment sin6 = arena.allocate(28);
            Libc.getOption(fd, Libc.SOL_IPV6, Libc.SO_ORIGINAL_DST, sin6, arena, "IP6T_SO_ORIGINAL_DST");
            byte[] ip = sin6.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            return new InetSocketAddress(address(ip), Short.toUnsignedInt(sin6.get(NET_SHORT, 2)));
        }
    }

    @Override
    public int fdOf(NetworkChannel channel) throws IOException {
        return ChannelFds.fdOf(channel);
    }

    private static boolean isInet6(NetworkChannel channel) throws IOException {
        if (channel.getLocalAddress() instanceof InetSocketAddress local) {
            return local.getAddress() instanceof Inet6Address;
        }
        // Unbound JDK sockets are AF_INET6 unless java.net.preferIPv4Stack is set.
        return !Boolean.getBoolean("java.net.preferIPv4Stack");
    }

    private static InetAddress address(byte[] raw) throws NetException {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw NetException.of(NetException.Reason.INVALID_ARGUMENT, "bad address length " + raw.length);
        }
    }

    /** Reads the fd of a JDK channel through {@code sun.nio.ch.SelChImpl#getFDVal}. */
    static final class ChannelFds {
        private static final Method GET_FD_VAL = lookup();

        private ChannelFds() {}

        private static Method lookup() {
            try {
                Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
                m.setAccessible(true);
                return m;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        static int fdOf(NetworkChannel channel) throws IOException {
            if (GET_FD_VAL == null) {
                throw NetException.of(
                        NetException.Reason.INVALID_ARGUMENT,
                        "cannot read a channel's fd: run with --add-opens java.base/sun.nio.ch=ALL-UNNAMED");
            }
            if (!channel.isOpen()) {
                throw NetException.of(NetException.Reason.CLOSED, "channel is closed");
            }
            try {
                return (int) GET_FD_VAL.invoke(channel);
            } catch (ReflectiveOperationException | IllegalArgumentException e) {
                throw NetException.of(
                        NetException.Reason.INVALID_ARGUMENT,
                        "not a JDK socket channel: " + channel.getClass().getName());
            }
        }
    }
}
