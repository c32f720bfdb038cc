package io.ambient4j.ztunnel.xds;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether istiod's certificate names the host ztunnel expects ({@code ALT_XDS_HOSTNAME}/{@code ALT_CA_HOSTNAME}, else
 * the host of the address). ztunnel checks this itself, against the expected name only, because the HTTP/2 client
 * would otherwise check the name it dialled, which for an IP literal is whatever reverse DNS answers.
 *
 * <p>Rules (RFC 6125 as HTTPS clients apply them): a DNS name matches a DNS SAN exactly (case-insensitive, a trailing
 * dot ignored) or a wildcard SAN whose {@code *} stands for the whole leftmost label of a name with at least three
 * labels; an IP literal matches only an IP SAN with the same address. The subject CN is not consulted.
 */
final class ServerNames {
    /** One subjectAltName entry: {@code type} 2 is dNSName, 7 is iPAddress (X.509 GeneralName tags). */
    record San(int type, String value) {
        static final int DNS = 2;
        static final int IP = 7;
    }

    private ServerNames() {}

    /** True when one of {@code sans} names {@code expected}. */
    static boolean matches(List<San> sans, String expected) {
        Optional<InetAddress> ip = ipLiteral(expected);
        if (ip.isPresent()) {
            return sans.stream()
                    .filter(s -> s.type() == San.IP)
                    .map(s -> ipLiteral(s.value()))
                    .anyMatch(a -> a.equals(ip));
        }
        String host = normalize(expected);
        return sans.stream().filter(s -> s.type() == San.DNS).anyMatch(s -> dnsMatches(normalize(s.value()), host));
    }

    private static boolean dnsMatches(String san, String host) {
        if (san.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (!san.startsWith("*.")) {
            return san.equals(host);
        }
        String suffix = san.substring(1); // ".example.com"
        if (suffix.indexOf('*') >= 0 || suffix.chars().filter(c -> c == '.').count() < 2) {
            return false; // "*.com" or a second wildcard: never
        }
        int firstDot = host.indexOf('.');
        return firstDot > 0 && host.substring(firstDot).equals(suffix);
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The address of an IPv4 or IPv6 literal (brackets allowed), or empty for anything else (never resolves). */
    static Optional<InetAddress> ipLiteral(String s) {
        String v = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        try {
            return Optional.of(InetAddress.ofLiteral(v));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
