package io.ambient4j.cni.rules;

/**
 * IPv4 or IPv6: the rule sets are the same apart from the loopback prefix, the probe SNAT address, the
 * ipset name and the tool names, which all live here.
 */
public enum IpFamily {
    V4("127.0.0.1/32", "169.254.7.127", "/32", "istio-inpod-probes-v4", "inet", "0.0.0.0/0", "-4", "ip", "ipv4_addr"),
    V6(
            "::1/128",
            "fd16:9254:7127:1337:ffff:ffff:ffff:ffff",
            "/128",
            "istio-inpod-probes-v6",
            "inet6",
            "::/0",
            "-6",
            "ip6",
            "ipv6_addr");

    private final String loopback;
    private final String probeSnatAddress;
    private final String hostPrefix;
    private final String probeSet;
    private final String ipsetFamily;
    private final String defaultRoute;
    private final String ipFlag;
    private final String nftFamily;
    private final String nftAddrType;

    IpFamily(
            String loopback,
            String probeSnatAddress,
            String hostPrefix,
            String probeSet,
            String ipsetFamily,
            String defaultRoute,
            String ipFlag,
            String nftFamily,
            String nftAddrType) {
        this.loopback = loopback;
        this.probeSnatAddress = probeSnatAddress;
        this.hostPrefix = hostPrefix;
        this.probeSet = probeSet;
        this.ipsetFamily = ipsetFamily;
        this.defaultRoute = defaultRoute;
        this.ipFlag = ipFlag;
        this.nftFamily = nftFamily;
        this.nftAddrType = nftAddrType;
    }

    /** The loopback address as iptables-save prints it. */
    public String loopback() {
        return loopback;
    }

    /** The source address the node uses for kubelet probes toward enrolled pods. */
    public String probeSnatAddress() {
        return probeSnatAddress;
    }

    /** The probe SNAT address as a host prefix, as iptables-save prints it. */
    public String probeSnatHost() {
        return probeSnatAddress + hostPrefix;
    }

    /** The host ipset holding enrolled pod IPs. */
    public String probeSet() {
        return probeSet;
    }

    /** ipset's family name. */
    public String ipsetFamily() {
        return ipsetFamily;
    }

    /** The route prefix made local in table 100. */
    public String defaultRoute() {
        return defaultRoute;
    }

    /** {@code ip -4} or {@code ip -6}. */
    public String ipFlag() {
        return ipFlag;
    }

    /** {@code ip} or {@code ip6} in nft address matches. */
    public String nftFamily() {
        return nftFamily;
    }

    /** nft set element type. */
    public String nftAddrType() {
        return nftAddrType;
    }

    /** {@code iptables} or {@code ip6tables}. */
    public String iptables() {
        return this == V4 ? "iptables" : "ip6tables";
    }

    /** {@code iptables-restore} or {@code ip6tables-restore}. */
    public String iptablesRestore() {
        return iptables() + "-restore";
    }

    /** {@code iptables-save} or {@code ip6tables-save}. */
    public String iptablesSave() {
        return iptables() + "-save";
    }
}
