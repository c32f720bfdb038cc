package io.ambient4j.istiod.ambient;

/**
 * The {@code istio.io/WaypointBound} condition istiod writes on a Service, ServiceEntry or WorkloadEntry that
 * asks for a waypoint (upstream {@code ServiceInfo/WorkloadInfo.GetConditions}): true once bound, false with
 * the reason when the waypoint is missing or not ready, denies the attachment, or serves the wrong traffic
 * type. Objects that ask for no waypoint get no condition (a stale one is removed).
 *
 * @param bound the condition status
 * @param reason {@link #REASON_ACCEPTED} or one of the failure reasons
 * @param message human text, as upstream words it
 * @param observedGeneration the object generation this describes
 */
public record BindingStatus(boolean bound, String reason, String message, long observedGeneration) {
    public static final String CONDITION_TYPE = "istio.io/WaypointBound";
    public static final String REASON_ACCEPTED = "WaypointAccepted";
    public static final String REASON_NOT_READY = "WaypointIsNotReady";
    public static final String REASON_ATTACHMENT_DENIED = "AttachmentDenied";
    public static final String REASON_UNSUPPORTED_TRAFFIC = "UnsupportedTrafficType";

    /** The kinds that carry the condition, as the status writer addresses them. */
    public enum Target {
        SERVICE,
        SERVICE_ENTRY,
        WORKLOAD_ENTRY
    }
}
