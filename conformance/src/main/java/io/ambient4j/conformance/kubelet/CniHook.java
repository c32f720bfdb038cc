package io.ambient4j.conformance.kubelet;

/**
 * What a container runtime does between creating a pod's network namespace and starting its containers:
 * run the CNI chain. The kubelet calls {@link #add} after the pod's interface and address exist and
 * before the pod is reported Running; a failure keeps the pod from starting (the pod stays Pending with
 * the error as its reason), exactly the guarantee istio-cni relies on (a pod that should be meshed must
 * never start unmeshed).
 */
public interface CniHook {
    /** Runs CNI ADD; throws {@link CniException} when the plugin fails. */
    void add(CniRequest request);

    /** Runs CNI DEL; best effort. */
    void del(CniRequest request);

    /** No CNI chain beyond the harness's own bridge networking. */
    static CniHook none() {
        return new CniHook() {
            @Override
            public void add(CniRequest request) {}

            @Override
            public void del(CniRequest request) {}
        };
    }
}
