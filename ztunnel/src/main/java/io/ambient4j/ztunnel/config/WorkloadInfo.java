package io.ambient4j.ztunnel.config;

/** The one workload a dedicated-mode ztunnel serves ({@code PROXY_WORKLOAD_INFO=ns/name/sa}). */
public record WorkloadInfo(String namespace, String name, String serviceAccount) {}
