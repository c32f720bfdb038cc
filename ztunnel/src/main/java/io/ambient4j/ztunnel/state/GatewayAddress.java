package io.ambient4j.ztunnel.state;

/**
 * Where a waypoint or network gateway is reached: a hostname (preferred, it adapts to the caller's IP family) or an
 * address, plus the HBONE port (istiod sends 15008).
 */
public record GatewayAddress(Destination destination, int hboneMtlsPort) {
    /** Either a {@link NamespacedHostname} or a {@link NetworkAddress}. */
    public sealed interface Destination permits NamespacedHostname, NetworkAddress {}
}
