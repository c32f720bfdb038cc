package io.ambient4j.istiod.ambient;

/**
 * The {@code ZtunnelAccepted} condition istiod writes on an AuthorizationPolicy (upstream
 * {@code WorkloadAuthorization.GetConditions}).
 *
 * @param accepted the condition status: true when the policy is sent to ztunnel (possibly reduced)
 * @param reason {@code Accepted} or {@code UnsupportedValue}
 * @param message human text
 * @param observedGeneration the policy generation this describes
 */
public record PolicyStatus(boolean accepted, String reason, String message, long observedGeneration) {
    public static final String CONDITION_TYPE = "ZtunnelAccepted";
    public static final String REASON_ACCEPTED = "Accepted";
    public static final String REASON_UNSUPPORTED = "UnsupportedValue";
    public static final String MESSAGE_ACCEPTED = "attached to ztunnel";
}
