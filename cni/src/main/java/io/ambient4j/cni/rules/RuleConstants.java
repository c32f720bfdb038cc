package io.ambient4j.cni.rules;

/**
 * The numbers both ends of in-pod capture must agree on (ambient-spec §6.1). ztunnel marks its own sockets
 * with {@link #INPOD_MARK}; the rules skip marked packets and route connmarked replies back to ztunnel.
 */
public final class RuleConstants {
    /** ztunnel's socket mark (SO_MARK) and the value the rules test for. */
    public static final int INPOD_MARK = 0x539;
    /** Mask for both marks. */
    public static final int INPOD_MASK = 0xfff;
    /** Connmark/routing mark of connections ztunnel opened toward the app (historically "tproxy" mark). */
    public static final int CONN_MARK = 0x111;
    /** Mask for CONNMARK --restore-mark. */
    public static final long RESTORE_MASK = 0xffffffffL;
    /** Policy routing table that makes every address local. */
    public static final int ROUTE_TABLE = 100;
    /** Priority of the fwmark rule. */
    public static final int RULE_PRIORITY = 32764;

    public static final int OUTBOUND_PORT = 15001;
    public static final int INBOUND_PLAINTEXT_PORT = 15006;
    public static final int HBONE_PORT = 15008;
    public static final int DNS_PORT = 15053;

    /** In-pod chains. */
    public static final String PRERT = "ISTIO_PRERT";

    public static final String OUTPUT = "ISTIO_OUTPUT";
    /** Host-side chain. */
    public static final String POSTRT = "ISTIO_POSTRT";

    /** nftables tables and chains. */
    public static final String NFT_NAT = "istio-ambient-nat";

    public static final String NFT_MANGLE = "istio-ambient-mangle";
    public static final String NFT_RAW = "istio-ambient-raw";
    public static final String NFT_PRERT = "istio-prerouting";
    public static final String NFT_OUTPUT = "istio-output";

    private RuleConstants() {}

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** {@code 0x539/0xfff}. */
    static String inpodMark() {
        return hex(INPOD_MARK) + "/" + hex(INPOD_MASK);
    }

    /** {@code 0x111/0xfff}. */
    static String connMark() {
        return hex(CONN_MARK) + "/" + hex(INPOD_MASK);
    }
}
