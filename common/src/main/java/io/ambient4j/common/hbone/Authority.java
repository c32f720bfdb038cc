package io.ambient4j.common.hbone;

import java.util.Optional;

/** Parses a CONNECT {@code :authority}: {@code host:port}, {@code a.b.c.d:port} or {@code [v6]:port}. */
record Authority(String host, int port) {

    static Optional<Authority> parse(String authority) {
        if (authority == null || authority.isEmpty() || authority.length() > 300) {
            return Optional.empty();
        }
        String host;
        String portText;
        if (authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            if (close < 2 || close + 1 >= authority.length() || authority.charAt(close + 1) != ':') {
                return Optional.empty();
            }
            host = authority.substring(1, close);
            portText = authority.substring(close + 2);
            if (!host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                return Optional.empty();
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon < 1 || authority.indexOf(':') != colon) {
                return Optional.empty();
            }
            host = authority.substring(0, colon);
            portText = authority.substring(colon + 1);
            if (!host.chars()
                    .allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_')) {
                return Optional.empty();
            }
        }
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        return Optional.of(new Authority(host, port));
    }
}
