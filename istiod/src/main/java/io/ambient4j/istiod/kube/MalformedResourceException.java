package io.ambient4j.istiod.kube;

/**
 * A custom resource whose JSON does not fit the model (e.g. a string where a number belongs). Only that
 * object is dropped from the index; every other object keeps translating.
 */
public final class MalformedResourceException extends RuntimeException {
    /** Stable reason. */
    public static final String REASON = io.ambient4j.istiod.ambient.AmbientIndex.MALFORMED_REASON;

    private final String resource;

    public MalformedResourceException(String resource, String detail, Throwable cause) {
        super(resource + " is malformed: " + detail, cause);
        this.resource = resource;
    }

    /** {@code Kind ns/name}. */
    public String resource() {
        return resource;
    }

    public String reason() {
        return REASON;
    }
}
