/**
 * The ambient index: Kubernetes and Istio objects in, ztunnel's {@code istio.workload.Address} and
 * {@code istio.security.Authorization} resources out (spec §3, §7, §8).
 *
 * <p>Two layers. Pure translation functions ({@link io.ambient4j.istiod.ambient.WorkloadTranslator},
 * {@link io.ambient4j.istiod.ambient.ServiceTranslator}, {@link io.ambient4j.istiod.ambient.Waypoints},
 * {@link io.ambient4j.istiod.ambient.AuthorizationConverter}, {@link io.ambient4j.istiod.ambient.PeerAuthConverter})
 * take an object plus the context they need and return protobufs; they are table-tested per conformance
 * case. {@link io.ambient4j.istiod.ambient.AmbientIndex} keeps the state, decides which outputs an event can
 * affect, recomputes only those, and emits deltas with only the resources whose bytes changed. It has one
 * writer thread; readers get immutable snapshots.
 */
package io.ambient4j.istiod.ambient;
