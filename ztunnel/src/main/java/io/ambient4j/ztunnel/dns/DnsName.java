package io.ambient4j.ztunnel.dns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain name as its labels, exactly as they came off the wire (ISO-8859-1, so every octet survives a round
 * trip). Matching against hostnames from xDS is case-insensitive ({@link #key()}); answers echo the client's case.
 */
public record DnsName(List<String> labels) {
    /** Longest name on the wire (RFC 1035 §2.3.4), length octets and the root octet included. */
    public static final int MAX_WIRE_LENGTH = 255;
    /** Longest label (RFC 1035 §2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;

    public static final DnsName ROOT = new DnsName(List.of());

    public DnsName {
        labels = List.copyOf(labels);
        int wire = 1;
        for (String l : labels) {
            int n = l.getBytes(StandardCharsets.ISO_8859_1).length;
            if (n == 0 || n > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException("label length " + n + " in " + labels);
            }
            wire += 1 + n;
        }
        if (wire > MAX_WIRE_LENGTH) {
            throw new IllegalArgumentException("name longer than " + MAX_WIRE_LENGTH + " bytes");
        }
    }

    /** Parses dotted text; a trailing dot (FQDN) is allowed and ignored. */
    public static DnsName of(String dotted) {
        String s = dotted.endsWith(".") ? dotted.substring(0, dotted.length() - 1) : dotted;
        return s.isEmpty() ? ROOT : new DnsName(List.of(s.split("\\.", -1)));
    }

    public int size() {
        return labels.size();
    }

    /** Lower-case dotted form without the trailing dot: the key xDS hostnames are compared with. */
    public String key() {
        return String.join(".", labels).toLowerCase(Locale.ROOT);
    }

    /** This name followed by {@code suffix}. */
    public DnsName append(DnsName suffix) {
        List<String> all = new ArrayList<>(labels);
        all.addAll(suffix.labels);
        return new DnsName(all);
    }

    /** Whether this name is {@code domain} with at least one more label in front (case-insensitive). */
    public boolean isStrictSubdomainOf(DnsName domain) {
        if (domain.size() == 0 || labels.size() <= domain.size()) {
            return false;
        }
        int skip = labels.size() - domain.size();
        for (int i = 0; i < domain.size(); i++) {
            if (!labels.get(skip + i).equalsIgnoreCase(domain.labels.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The labels in front of {@code domain}, when this is a strict subdomain of it. */
    public java.util.Optional<DnsName> trim(DnsName domain) {
        return isStrictSubdomainOf(domain)
                ? java.util.Optional.of(new DnsName(labels.subList(0, labels.size() - domain.size())))
                : java.util.Optional.empty();
    }

    /** Whether the last label equals {@code label} (case-insensitive). */
    public boolean endsWithLabel(String label) {
        return !labels.isEmpty() && labels.getLast().equalsIgnoreCase(label);
    }

    /** Whether the first label is {@code *}. */
    public boolean isWildcard() {
        return !labels.isEmpty() && labels.getFirst().equals("*");
    }

    /**
     * The name, then wildcards of decreasing specificity: {@code www.example.com}, {@code *.example.com},
     * {@code *.com} (ambient-spec §10). A one-label name has no wildcard form.
     */
    public List<DnsName> withWildcards() {
        List<DnsName> out = new ArrayList<>();
        out.add(this);
        for (int i = 1; i < labels.size(); i++) {
            List<String> w = new ArrayList<>();
            w.add("*");
            w.addAll(labels.subList(i, labels.size()));
            out.add(new DnsName(w));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join(".", labels) + ".";
    }
}
