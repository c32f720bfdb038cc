package io.ambient4j.conformance.kubelet;

/**
 * The facts a runtime hands to a CNI plugin about one pod sandbox: ids, the namespace path, the interface
 * and the address the previous plugin in the chain assigned (the harness's bridge), and the node whose CNI
 * configuration applies.
 */
public record CniRequest(
        String containerId,
        String netnsPath,
        String ifName,
        String podNamespace,
        String podName,
        String podUid,
        String podIp,
        int prefixLength,
        String gateway,
        String node) {}
