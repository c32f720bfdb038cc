package io.ambient4j.waypoint.policy;

import io.ambient4j.ztunnel.rbac.IpNet;
import io.ambient4j.ztunnel.rbac.StringMatch;
import java.net.InetAddress;

/** Istio's string and address forms, parsed once when a policy arrives. */
public final class Matchers {
    private Matchers() {}

    /** {@code *} → present, {@code x*} → prefix, {@code *x} → suffix, else exact. */
    public static StringMatch string(String s) {
        if (s.equals("*")) {
            return new StringMatch.Presence();
        }
        if (s.endsWith("*")) {
            return new StringMatch.Prefix(s.substring(0, s.length() - 1));
        }
        if (s.startsWith("*")) {
            return new StringMatch.Suffix(s.substring(1));
        }
        return new StringMatch.Exact(s);
    }

    /**
     * {@code a.b.c.d/n}, an IPv6 CIDR, or a single address (a host route).
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static IpNet ipNet(String cidr) {
        int slash = cidr.indexOf('/');
        String addr = slash < 0 ? cidr : cidr.substring(0, slash);
        InetAddress ip = InetAddress.ofLiteral(addr);
        int max = ip.getAddress().length * 8;
        int len;
        try {
            len = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in \"" + cidr + "\"");
        }
        if (len < 0 || len > max) {
            throw new IllegalArgumentException("prefix length out of range in \"" + cidr + "\"");
        }
        return IpNet.of(ip.getAddress(), len);
    }
}
