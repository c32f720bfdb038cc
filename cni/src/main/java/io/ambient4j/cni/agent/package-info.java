/**
 * The node agent's decisions and their wiring: which pods belong in the mesh, what to do about each, and
 * how the {@code ambient.istio.io/redirection} annotation moves; then adding a pod to the mesh end to end.
 */
package io.ambient4j.cni.agent;
