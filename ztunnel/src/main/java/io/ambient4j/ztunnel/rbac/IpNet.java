package io.ambient4j.ztunnel.rbac;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A CIDR block (IPv4 or IPv6) used by source and destination IP conditions. */
public record IpNet(InetAddress network, int prefixLength) {
    public IpNet {
        int max = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + network);
        }
    }

    /**
     * From raw bytes and a prefix length; bits past the prefix are cleared.
     *
     * @throws IllegalArgumentException when the address is not 4 or 16 bytes or the prefix is too long
     */
    public static IpNet of(byte[] address, int prefixLength) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + address.length);
        }
        if (prefixLength < 0 || prefixLength > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            masked[i] &= (byte) (0xFF << (8 - keep));
        }
        try {
            return new IpNet(InetAddress.getByAddress(masked), prefixLength);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Whether {@code ip} lies inside; an IPv4 address never lies in an IPv6 block and the reverse. */
    public boolean contains(InetAddress ip) {
        byte[] a = ip.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            int mask = (0xFF << (8 - keep)) & 0xFF;
            if ((a[i] & mask) != (n[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
