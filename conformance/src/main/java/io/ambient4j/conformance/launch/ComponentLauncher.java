package io.ambient4j.conformance.launch;

import java.util.List;
import java.util.Optional;

/**
 * How the harness starts a mesh component (istiod once; ztunnel and the CNI agent once per node). A
 * component that is not built yet reports why through {@link #unavailable}, and scenarios that
 * {@code require} it are skipped with that reason instead of failing.
 */
public interface ComponentLauncher {
    /** The component name scenarios use in {@code requires:} (istiod, ztunnel, cni, waypoint). */
    String component();

    /** Empty when the component can be started; otherwise why not. */
    Optional<String> unavailable();

    /** The processes to start for this mesh (e.g. one per node). */
    List<ComponentSpec> plan(LaunchContext context);
}
