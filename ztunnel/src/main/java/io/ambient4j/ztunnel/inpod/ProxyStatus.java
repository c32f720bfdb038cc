package io.ambient4j.ztunnel.inpod;

/**
 * What the admin page and metrics see of one in-pod proxy ({@code workloadState} in upstream's config dump).
 *
 * @param uid the pod uid from ZDS
 * @param name pod name
 * @param namespace pod namespace
 * @param serviceAccount pod service account
 * @param state {@code Up} when its listeners run, {@code Pending} when starting failed and is being retried
 */
public record ProxyStatus(String uid, String name, String namespace, String serviceAccount, State state) {
    /** Upstream's two states (serialized as {@code Up} / {@code Pending}). */
    public enum State {
        Pending,
        Up
    }
}
