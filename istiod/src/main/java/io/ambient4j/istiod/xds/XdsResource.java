package io.ambient4j.istiod.xds;

import com.google.protobuf.Message;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One named, versioned resource of one xDS type, already converted to its wire protobuf.
 *
 * <p>This is the contract between the ambient index (which builds resources) and the delta ADS server
 * (which streams them): the server never looks inside {@code body} beyond packing it into an {@code Any}.
 * The version changes exactly when the bytes of {@code body} change, so a client's
 * {@code initial_resource_versions} can be compared with it on reconnect. Aliases are the other names an
 * on-demand client may know the resource by (for an Address: {@code <network>/<ip>}); they are derived from
 * the body, so they too change only with the version, and they travel in the envoy {@code Resource.aliases}
 * field so a client can match a response to the alias it asked for.
 *
 * @param name the resource name as upstream names it (Workload uid, {@code ns/hostname}, {@code ns/name})
 * @param version opaque version, stable for equal content
 * @param body the resource protobuf ({@code istio.workload.Address} or {@code istio.security.Authorization})
 * @param aliases other names of the resource, possibly empty
 * @param audience the waypoints ({@code ns/name}) this resource is for; empty: every client of its type. Waypoint
 *     L7 resources concern only the waypoints their targets are bound to, so each waypoint stream sees only
 *     its own (the version covers the audience, so a change of audience is a change)
 */
public record XdsResource(String name, String version, Message body, List<String> aliases, Set<String> audience) {
    public XdsResource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(body, "body");
        aliases = List.copyOf(aliases);
        audience = Set.copyOf(audience);
    }

    /** A resource for every client. */
    public XdsResource(String name, String version, Message body, List<String> aliases) {
        this(name, version, body, aliases, Set.of());
    }

    /** A resource known only by its name. */
    public XdsResource(String name, String version, Message body) {
        this(name, version, body, List.of());
    }

    /** Whether a client that is the waypoint {@code waypointKey} (or none: null) may see this resource. */
    public boolean visibleTo(String waypointKey) {
        return audience.isEmpty() || (waypointKey != null && audience.contains(waypointKey));
    }
}
