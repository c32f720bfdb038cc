package io.ambient4j.cni.zds;

import java.util.Objects;

/** Who a pod is, as ztunnel needs it to pick the pod's certificate ({@code WorkloadInfo}). */
public record WorkloadIdentity(String name, String namespace, String serviceAccount) {
    public WorkloadIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
    }
}
