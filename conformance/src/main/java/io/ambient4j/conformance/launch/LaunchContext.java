package io.ambient4j.conformance.launch;

import io.ambient4j.conformance.mesh.Topology;
import java.nio.file.Path;

/**
 * What a launcher needs to know about the running mesh: the topology, the run directory, and the
 * kubeconfig each node's processes use (the API relay at 127.0.0.1:6443 inside the node namespace).
 */
public record LaunchContext(Topology topology, Path runDir, Path rootKubeconfig, Path nodeKubeconfig) {}
