/**
 * In-pod mode: the ZDS client that learns of the node's pods from the istio-cni agent and runs one proxy per
 * pod inside the pod's network namespace (ambient-spec §5).
 */
package io.ambient4j.ztunnel.inpod;
