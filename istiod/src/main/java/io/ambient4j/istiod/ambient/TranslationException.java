package io.ambient4j.istiod.ambient;

/**
 * One Kubernetes object could not be translated. Carries a stable {@link Reason} so callers (and tests)
 * can classify it; the index drops that object's output and keeps translating everything else.
 */
public final class TranslationException extends RuntimeException {
    /** Stable reasons. */
    public enum Reason {
        INVALID_ADDRESS,
        INVALID_PORT,
        MALFORMED_OBJECT
    }

    private final Reason reason;

    public TranslationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
