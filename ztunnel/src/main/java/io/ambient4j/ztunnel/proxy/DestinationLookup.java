package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.net.SocketOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Where a captured connection was going before the in-pod rules redirected it. Part of the seam so the data path can
 * run without iptables: production asks the kernel (SO_ORIGINAL_DST for nat REDIRECT to 15001; the local address for
 * TPROXY to 15006, which keeps the destination), direct tests name the destination themselves.
 */
public interface DestinationLookup {
    /** The original destination of a connection accepted on 15001. */
    InetSocketAddress outbound(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted) throws IOException;

    /** The original destination of a connection accepted on 15006. */
    InetSocketAddress inboundPlaintext(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted) throws IOException;

    /** The kernel's answers, as in-pod mode needs them. */
    static DestinationLookup kernel() {
        SocketOptions options = SocketOptions.create();
        return new DestinationLookup() {
            @Override
            public InetSocketAddress outbound(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted)
                    throws IOException {
                return options.originalDestination(accepted);
            }

            @Override
            public InetSocketAddress inboundPlaintext(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted)
                    throws IOException {
                return (InetSocketAddress) accepted.getLocalAddress();
            }
        };
    }
}
