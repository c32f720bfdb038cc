/**
 * Delta ADS for ztunnel: the per-stream protocol state machine ({@link io.ambient4j.istiod.xds.DeltaStreamState}),
 * kept apart from the resource store ({@link io.ambient4j.istiod.xds.ResourceSource}) and from gRPC
 * ({@link io.ambient4j.istiod.xds.AdsStream}, one writer thread per stream). Protobufs are read and built only
 * in {@code WireFormat}.
 */
package io.ambient4j.istiod.xds;
