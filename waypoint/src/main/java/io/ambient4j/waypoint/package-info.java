/**
 * The ambient4j waypoint: a Java L7 proxy that terminates HBONE on 15008, enforces L7 AuthorizationPolicy, routes by
 * Gateway API HTTPRoute and re-originates HBONE to the chosen endpoint under its own identity. Istiod configures it
 * over delta ADS with {@code istio.workload.Address} and ambient4j's {@code ambient4j.waypoint} types.
 */
package io.ambient4j.waypoint;
