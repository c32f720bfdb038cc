package io.ambient4j.cni.agent;

import java.io.IOException;

/** Writes the redirection annotation; the Kubernetes edge of the agent. */
public interface PodAnnotator {
    /** Applies a JSON merge patch to the pod's metadata. A pod that no longer exists is not an error. */
    void mergePatch(String namespace, String name, String patch) throws IOException;
}
