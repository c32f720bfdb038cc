package io.ambient4j.ztunnel.proxy;

import java.util.Set;

/** ztunnel's in-pod listener ports; a final destination on one of them would loop back into ztunnel. */
public final class Ports {
    public static final int OUTBOUND = 15001;
    public static final int INBOUND_PLAINTEXT = 15006;
    public static final int HBONE = 15008;
    /** Destinations refused as self-calls (upstream {@code illegal_ports}). */
    public static final Set<Integer> ILLEGAL = Set.of(OUTBOUND, INBOUND_PLAINTEXT, HBONE);

    private Ports() {}
}
