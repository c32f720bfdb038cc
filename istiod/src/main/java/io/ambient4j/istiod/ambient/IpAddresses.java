package io.ambient4j.istiod.ambient;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Parses IP literals (never DNS names) into 4- or 16-byte arrays. */
final class IpAddresses {
    private IpAddresses() {}

    /** The bytes of an IPv4/IPv6 literal, or empty when {@code s} is not a literal. */
    static Optional<byte[]> parse(String s) {
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        boolean v4 = s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        boolean v6 =
                s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (v4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return Optional.empty();
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    return Optional.empty();
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                    return Optional.empty();
                }
                out[i] = (byte) v;
            }
            return Optional.of(out);
        }
        if (v6) {
            try {
                byte[] b = InetAddress.getByName(s).getAddress();
                return b.length == 16 ? Optional.of(b) : Optional.empty();
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** An address with prefix length; a bare IP gets its full bit length. */
    record Cidr(byte[] address, int length, boolean single) {}

    /** Parses {@code ip} or {@code ip/len}; host bits are cleared when {@code mask}; empty when invalid. */
    static Optional<Cidr> parseCidr(String s, boolean mask) {
        if (s == null) {
            return Optional.empty();
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return parse(s).map(b -> new Cidr(b, b.length * 8, true));
        }
        Optional<byte[]> ip = parse(s.substring(0, slash));
        if (ip.isEmpty()) {
            return Optional.empty();
        }
        int len;
        try {
            len = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        byte[] b = ip.get();
        if (len < 0 || len > b.length * 8) {
            return Optional.empty();
        }
        byte[] masked = b.clone();
        for (int i = 0; mask && i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, len - i * 8));
            masked[i] = (byte) (masked[i] & (0xFF << (8 - bits)));
        }
        return Optional.of(new Cidr(masked, len, len == b.length * 8));
    }

    /** RFC 5952 text of a 4- or 16-byte address (IPv6 compressed, lower case), as ztunnel formats it. */
    static String format(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
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
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
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
