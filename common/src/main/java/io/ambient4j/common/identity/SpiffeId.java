package io.ambient4j.common.identity;

import io.ambient4j.common.identity.InvalidIdentityException.Reason;

/**
 * A workload identity as Istio ambient uses it: {@code spiffe://<trust domain>/ns/<namespace>/sa/<service
 * account>}. It is what certificates carry as their single URI SAN, what HBONE peers check, and what
 * authorization policies match (as {@link #principal()}). Parsing is strict and character-by-character
 * (never a regular expression over the input) because the input often comes from a peer.
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {

    /** Istio's default trust domain, also meant by an empty {@code Workload.trust_domain}. */
    public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
    /** The service account meant by an empty {@code Workload.service_account}. */
    public static final String DEFAULT_SERVICE_ACCOUNT = "default";

    static final String SCHEME = "spiffe://";
    private static final int MAX_URI_LENGTH = 2048;
    private static final int MAX_TRUST_DOMAIN_LENGTH = 255;

    /** Validates every component; use {@link #of} to apply Istio's defaults for empty values. */
    public SpiffeId {
        checkTrustDomain(trustDomain, trustDomain);
        checkSegment("namespace", namespace, namespace);
        checkSegment("service account", serviceAccount, serviceAccount);
        int length = SCHEME.length()
                + trustDomain.length()
                + "/ns/".length()
                + namespace.length()
                + "/sa/".length()
                + serviceAccount.length();
        if (length > MAX_URI_LENGTH) {
            throw new InvalidIdentityException(
                    Reason.TOO_LONG, "SPIFFE ID is " + length + " characters, the limit is " + MAX_URI_LENGTH);
        }
    }

    /**
     * The identity of a workload as xDS describes it: an empty or null trust domain means {@value
     * #DEFAULT_TRUST_DOMAIN}, an empty or null service account means {@value #DEFAULT_SERVICE_ACCOUNT}.
     */
    public static SpiffeId of(String trustDomain, String namespace, String serviceAccount) {
        String td = trustDomain == null || trustDomain.isEmpty() ? DEFAULT_TRUST_DOMAIN : trustDomain;
        String sa = serviceAccount == null || serviceAccount.isEmpty() ? DEFAULT_SERVICE_ACCOUNT : serviceAccount;
        return new SpiffeId(td, namespace, sa);
    }

    /** Parses exactly {@code spiffe://<td>/ns/<ns>/sa/<sa>}; anything else is an {@link InvalidIdentityException}. */
    public static SpiffeId parse(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw new InvalidIdentityException(Reason.EMPTY, "SPIFFE ID is empty");
        }
        if (uri.length() > MAX_URI_LENGTH) {
            throw new InvalidIdentityException(
                    Reason.TOO_LONG, "SPIFFE ID is " + uri.length() + " characters, the limit is " + MAX_URI_LENGTH);
        }
        if (!uri.startsWith(SCHEME)) {
            throw new InvalidIdentityException(
                    Reason.WRONG_SCHEME, "SPIFFE ID " + quote(uri) + " does not start with " + SCHEME);
        }
        int tdEnd = uri.indexOf('/', SCHEME.length());
        String td = tdEnd < 0 ? uri.substring(SCHEME.length()) : uri.substring(SCHEME.length(), tdEnd);
        checkTrustDomain(td, uri);
        if (tdEnd < 0) {
            throw badPath(uri);
        }
        // The path is split by hand: "/ns/<ns>/sa/<sa>" has exactly four segments.
        String[] segments = new String[4];
        int count = 0;
        int start = tdEnd + 1;
        while (true) {
            int slash = uri.indexOf('/', start);
            String segment = slash < 0 ? uri.substring(start) : uri.substring(start, slash);
            if (count == segments.length) {
                throw badPath(uri);
            }
            segments[count++] = segment;
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        if (count != 4 || !segments[0].equals("ns") || !segments[2].equals("sa")) {
            throw badPath(uri);
        }
        checkSegment("namespace", segments[1], uri);
        checkSegment("service account", segments[3], uri);
        return new SpiffeId(td, segments[1], segments[3]);
    }

    /** The URI form, {@code spiffe://td/ns/ns/sa/sa}. */
    public String uri() {
        return SCHEME + principal();
    }

    /** The URI without {@code spiffe://}: what Istio authorization policies call a principal. */
    public String principal() {
        return trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    @Override
    public String toString() {
        return uri();
    }

    private static void checkTrustDomain(String td, String input) {
        if (td == null || td.isEmpty()) {
            throw new InvalidIdentityException(
                    Reason.BAD_TRUST_DOMAIN, "SPIFFE ID " + quote(input) + " has an empty trust domain");
        }
        if (td.length() > MAX_TRUST_DOMAIN_LENGTH) {
            throw new InvalidIdentityException(
                    Reason.TOO_LONG,
                    "trust domain is " + td.length() + " characters, the limit is " + MAX_TRUST_DOMAIN_LENGTH);
        }
        for (int i = 0; i < td.length(); i++) {
            char c = td.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
            if (!ok) {
                throw new InvalidIdentityException(
                        Reason.BAD_TRUST_DOMAIN,
                        "trust domain " + quote(td) + " has character " + describe(c) + " at " + i
                                + "; allowed are a-z 0-9 . - _");
            }
        }
    }

    private static void checkSegment(String what, String segment, String input) {
        if (segment == null || segment.isEmpty()) {
            throw new InvalidIdentityException(
                    Reason.BAD_SEGMENT, "SPIFFE ID " + quote(input) + " has an empty " + what);
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new InvalidIdentityException(
                    Reason.BAD_SEGMENT, "SPIFFE ID " + quote(input) + " has " + what + " " + quote(segment));
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '-'
                    || c == '_';
            if (!ok) {
                throw new InvalidIdentityException(
                        Reason.BAD_SEGMENT,
                        what + " " + quote(segment) + " has character " + describe(c) + " at " + i
                                + "; allowed are a-z A-Z 0-9 . - _");
            }
        }
    }

    private static InvalidIdentityException badPath(String uri) {
        return new InvalidIdentityException(
                Reason.BAD_PATH,
                "SPIFFE ID " + quote(uri) + " is not of the form spiffe://<td>/ns/<namespace>/sa/<sa>");
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    /** Quotes input for a message, escaping control characters and cutting very long values. */
    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        int limit = Math.min(s.length(), 120);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > limit) {
            b.append("...");
        }
        return b.append('"').toString();
    }
}
