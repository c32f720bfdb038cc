/**
 * What ztunnel knows from xDS: immutable records converted once from the protobufs
 * ({@link io.ambient4j.ztunnel.state.ProtoConversion}), indexed in an immutable
 * {@link io.ambient4j.ztunnel.state.ProxyState} snapshot that only the
 * {@link io.ambient4j.ztunnel.state.StateUpdater} replaces. The data path reads snapshots without locks.
 */
package io.ambient4j.ztunnel.state;
