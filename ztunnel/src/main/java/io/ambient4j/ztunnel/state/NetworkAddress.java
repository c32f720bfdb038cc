package io.ambient4j.ztunnel.state;

import java.net.InetAddress;

/** An IP qualified by network: the same pod IP may exist on two networks, so lookups key on both. */
public record NetworkAddress(String network, InetAddress address) implements GatewayAddress.Destination {
    @Override
    public String toString() {
        return network + "/" + address.getHostAddress();
    }
}
