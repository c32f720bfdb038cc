/**
 * Runs the generated rules in real network namespaces: in-pod capture and routing, and the node's probe
 * SNAT. Commands start on the namespace thread of {@link io.ambient4j.common.net.NetnsExecutor}.
 */
package io.ambient4j.cni.netns;
