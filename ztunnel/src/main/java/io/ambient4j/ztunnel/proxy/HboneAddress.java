package io.ambient4j.ztunnel.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** A parsed CONNECT {@code :authority}: a socket address, or a service hostname and port (double HBONE). */
public sealed interface HboneAddress {
    /** {@code ip:port} / {@code [ip6]:port}. */
    record Socket(InetSocketAddress address) implements HboneAddress {}

    /** {@code hostname:port}. */
    record SvcHostname(String hostname, int port) implements HboneAddress {}

    Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    /**
     * Parses an authority without ever resolving a name.
     *
     * @throws IllegalArgumentException when it is neither {@code ip:port} nor {@code host:port}
     */
    static HboneAddress parse(String authority) {
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("empty :authority");
        }
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("IPv6 authority must be [ip]:port");
            }
            host = authority.substring(1, close);
            port = authority.substring(close + 2);
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon < 0 || authority.indexOf(':') != colon) {
                throw new IllegalArgumentException("authority must be host:port");
            }
            host = authority.substring(0, colon);
            port = authority.substring(colon + 1);
        }
        int p = parsePort(port);
        if (authority.startsWith("[")) {
            if (!host.contains(":")
                    || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new IllegalArgumentException("not an IPv6 address: " + host);
            }
            return new Socket(new InetSocketAddress(literal(host), p));
        }
        var m = V4.matcher(host);
        if (m.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    throw new IllegalArgumentException("not an IPv4 address: " + host);
                }
            }
            return new Socket(new InetSocketAddress(literal(host), p));
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("not a host name: " + host);
        }
        return new SvcHostname(host, p);
    }

    private static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad port \"" + s + "\"");
        }
        int p = Integer.parseInt(s);
        if (p > 65535) {
            throw new IllegalArgumentException("port " + p + " out of range");
        }
        return p;
    }

    private static InetAddress literal(String host) {
        try {
            // Only ever called with a validated literal, so no name lookup happens.
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + host, e);
        }
    }
}
