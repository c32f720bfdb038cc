package io.ambient4j.ztunnel.rbac;

/** One string condition of a policy match ({@code istio.security.StringMatch}). */
public sealed interface StringMatch {
    /** Whether {@code value} satisfies this condition. */
    boolean matches(String value);

    /**
     * Principal form: istiod writes principals without {@code spiffe://}, so the identity is stripped first, and a
     * value without that scheme (no identity at all) never matches.
     */
    default boolean matchesPrincipal(String identity) {
        if (identity == null || !identity.startsWith("spiffe://")) {
            return false;
        }
        return matches(identity.substring("spiffe://".length()));
    }

    record Exact(String value) implements StringMatch {
        @Override
        public boolean matches(String v) {
            return value.equals(v);
        }
    }

    record Prefix(String prefix) implements StringMatch {
        @Override
        public boolean matches(String v) {
            return v.startsWith(prefix);
        }
    }

    record Suffix(String suffix) implements StringMatch {
        @Override
        public boolean matches(String v) {
            return v.endsWith(suffix);
        }
    }

    /** Any non-empty value; with {@code not_principals} it is how STRICT mTLS denies plaintext. */
    record Presence() implements StringMatch {
        @Override
        public boolean matches(String v) {
            return !v.isEmpty();
        }
    }
}
