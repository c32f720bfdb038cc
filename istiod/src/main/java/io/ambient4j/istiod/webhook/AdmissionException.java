package io.ambient4j.istiod.webhook;

/**
 * The HTTP request itself is unusable as an AdmissionReview (wrong method or media type, unparsable JSON,
 * no request or uid). The API server gets an HTTP error with this message; per-object problems are never
 * this exception: they become a denied AdmissionResponse.
 */
public final class AdmissionException extends RuntimeException {
    /** Stable reasons, each with the HTTP status it is answered with. */
    public enum Reason {
        UNSUPPORTED_MEDIA_TYPE(415),
        MALFORMED_REVIEW(400);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;

    public AdmissionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
