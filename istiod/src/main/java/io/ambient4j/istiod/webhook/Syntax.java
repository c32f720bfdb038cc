package io.ambient4j.istiod.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.regex.Pattern;

/** Lexical rules shared by the validators: ports, IPs and CIDRs, DNS names, label keys and values. */
final class Syntax {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private Syntax() {}

    /** An integer port in {@code [min, 65535]}, or null when {@code s} is not one. */
    static Integer port(String s, int min) {
        if (s == null || s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int p = Integer.parseInt(s);
        return p < min || p > 65535 ? null : p;
    }

    static boolean validPort(Integer p, int min) {
        return p != null && p >= min && p <= 65535;
    }

    /** An IPv4 or IPv6 literal (never a DNS name: nothing is resolved). */
    static boolean ip(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
            try {
                return InetAddress.getByName(s).getAddress().length == 16;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty()
                    || p.length() > 3
                    || !p.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(p) > 255
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
        }
        return true;
    }

    /** An IP literal or {@code ip/prefix} with a prefix that fits the address family. */
    static boolean ipOrCidr(String s) {
        if (s == null) {
            return false;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return ip(s);
        }
        String addr = s.substring(0, slash);
        Integer len = port(s.substring(slash + 1), 0);
        return ip(addr) && len != null && len <= (addr.indexOf(':') >= 0 ? 128 : 32);
    }

    /**
     * A DNS name of lower-case RFC 1123 labels whose last label is not all digits, optionally with a leading
     * {@code *.} wildcard label.
     */
    static boolean hostname(String s, boolean allowWildcard) {
        if (s == null || s.isEmpty() || s.length() > 253) {
            return false;
        }
        String rest = s;
        if (allowWildcard && s.startsWith("*")) {
            if (s.equals("*")) {
                return false;
            }
            if (!s.startsWith("*.")) {
                return false;
            }
            rest = s.substring(2);
        }
        String[] labels = rest.split("\\.", -1);
        for (String label : labels) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // A numeric last label is a mistyped IP (10.0.0.300), never a name: top-level domains are not numeric.
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** Label keys ({@code [prefix/]name}) and values as Kubernetes accepts them; wildcards are refused. */
    static void labels(Problems p, String field, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        for (var e : labels.entrySet()) {
            String key = e.getKey();
            String name = key;
            int slash = key.indexOf('/');
            if (slash >= 0) {
                String prefix = key.substring(0, slash);
                name = key.substring(slash + 1);
                if (!hostname(prefix, false)) {
                    p.add(field + "[" + key + "]", "label key prefix '" + prefix + "' is not a DNS subdomain");
                    continue;
                }
            }
            if (!LABEL_NAME.matcher(name).matches()) {
                p.add(field + "[" + key + "]", "'" + key + "' is not a valid label key");
                continue;
            }
            String value = e.getValue() == null ? "" : e.getValue();
            if (value.equals("*")) {
                p.add(field + "[" + key + "]", "wildcard is not supported in selector");
            } else if (!LABEL_VALUE.matcher(value).matches()) {
                p.add(field + "[" + key + "]", "'" + value + "' is not a valid label value");
            }
        }
    }
}
