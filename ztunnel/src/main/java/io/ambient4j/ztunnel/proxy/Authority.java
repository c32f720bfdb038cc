package io.ambient4j.ztunnel.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Formats {@code ip:port} the way a CONNECT {@code :authority} carries it: IPv4 dotted, IPv6 bracketed in the
 * RFC 5952 short form ({@code [fd00::1]:80}), as upstream ztunnel writes it.
 */
public final class Authority {
    private Authority() {}

    public static String of(InetAddress ip, int port) {
        return (ip instanceof Inet6Address ? "[" + compress(ip.getAddress()) + "]" : ip.getHostAddress()) + ":" + port;
    }

    /** The address alone, IPv6 in RFC 5952 short form without brackets (as the downward API writes pod IPs). */
    public static String host(InetAddress ip) {
        return ip instanceof Inet6Address ? compress(ip.getAddress()) : ip.getHostAddress();
    }

    public static String of(InetSocketAddress a) {
        return of(a.getAddress(), a.getPort());
    }

    /** RFC 5952 §4: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups as {@code ::}. */
    static String compress(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
