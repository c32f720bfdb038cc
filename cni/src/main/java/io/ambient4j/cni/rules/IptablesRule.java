package io.ambient4j.cni.rules;

/**
 * One iptables rule, written exactly as {@code iptables-save} prints it so the desired set can be compared
 * with the kernel's without a second rendering. {@code insertFirst} rules go to the top of their chain.
 */
public record IptablesRule(String table, String chain, String spec, boolean insertFirst) {
    static IptablesRule append(String table, String chain, String spec) {
        return new IptablesRule(table, chain, spec, false);
    }

    /** The line for {@code iptables-restore}. */
    public String restoreLine() {
        return (insertFirst ? "-I " + chain + " 1 " : "-A " + chain + " ") + spec;
    }
}
