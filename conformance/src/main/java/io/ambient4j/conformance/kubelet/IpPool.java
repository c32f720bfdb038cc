package io.ambient4j.conformance.kubelet;

import java.util.BitSet;

/**
 * Pod addresses of one node's /24: hosts {@code .10} to {@code .250}, lowest free first, so a run is
 * reproducible. Not thread-safe: the kubelet's single worker is its only writer.
 */
public final class IpPool {
    static final int FIRST = 10;
    static final int LAST = 250;

    private final String base;
    private final BitSet used = new BitSet();

    /** {@code cidr} like {@code 10.244.1.0/24}. */
    public IpPool(String cidr) {
        if (!cidr.endsWith(".0/24")) {
            throw new IllegalArgumentException("only /24 pod CIDRs are supported: " + cidr);
        }
        this.base = cidr.substring(0, cidr.length() - ".0/24".length());
    }

    /** The next free address; fails when the range is exhausted. */
    public String allocate() {
        int host = used.nextClearBit(FIRST);
        if (host > LAST) {
            throw new IllegalStateException("pod CIDR " + base + ".0/24 is exhausted");
        }
        used.set(host);
        return base + "." + host;
    }

    /** Returns an address to the pool; addresses from elsewhere are ignored. */
    public void release(String ip) {
        if (ip != null && ip.startsWith(base + ".")) {
            int host = Integer.parseInt(ip.substring(base.length() + 1));
            used.clear(host);
        }
    }
}
