package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.SocketOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Where a captured connection was going before the in-pod rules redirected it. Part of the seam so the data path can
 * run without iptables: production asks the kernel (SO_ORIGINAL_DST, as the in-pod rules capture both 15001 and 15006
 * with nat REDIRECT), direct tests name the destination themselves.
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
                try {
                    return options.originalDestination(accepted);
                } catch (NetException e) {
                    // not redirected by nat (e.g. a TPROXY rule, which keeps the destination): the local address is it
                    return (InetSocketAddress) accepted.getLocalAddress();
                }
            }
        };
    }
}
