package io.ambient4j.cni.netns;

/**
 * Which tool writes the rules. Chosen once per node and used for every pod: iptables and nftables rule
 * sets would both be evaluated if mixed (ambient-spec §6.2, {@code NATIVE_NFTABLES}).
 */
public enum Backend {
    /** {@code iptables-restore} (whichever of nft/legacy the host's {@code iptables} is). */
    IPTABLES,
    /** {@code nft -f} with native inet tables. */
    NFTABLES
}
