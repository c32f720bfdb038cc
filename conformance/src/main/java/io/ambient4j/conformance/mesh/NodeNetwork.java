package io.ambient4j.conformance.mesh;

import io.ambient4j.conformance.mesh.Topology.NodePlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the namespaces of a local mesh (netns-notes §1): an underlay namespace with bridge {@code br-ul},
 * one namespace per node with bridge {@code br0} for its pods and a veth {@code ul0} onto the underlay,
 * routes between the pod CIDRs, and pods as namespaces with {@code eth0} on a veth to their node's bridge.
 * Every veth is created from the root namespace with both ends placed straight into their namespaces,
 * so nothing is left in the root namespace; deleting the namespaces removes everything else.
 */
public final class NodeNetwork {
    /** Per-netns file {@code ip netns exec} bind-mounts over /etc/resolv.conf. */
    public static final Path ETC_NETNS = Path.of("/etc/netns");

    private final Topology topology;
    private final StateFile state;
    private final AtomicInteger vethSeq = new AtomicInteger();

    public NodeNetwork(Topology topology, StateFile state) {
        this.topology = topology;
        this.state = state;
    }

    public Topology topology() {
        return topology;
    }

    /** Creates the underlay and every node, with routes so pods on different nodes reach each other. */
    public void create() {
        String ul = topology.underlayNetns();
        addNetns(ul);
        Sh.run("ip", "-n", ul, "link", "add", "br-ul", "type", "bridge");
        Sh.run("ip", "-n", ul, "addr", "add", Topology.UNDERLAY_IP + "/24", "dev", "br-ul");
        Sh.run("ip", "-n", ul, "link", "set", "br-ul", "up");
        sysctl(ul, "net.ipv4.ip_forward=1");
        // locally generated traffic needs a route before OUTPUT's DNAT can rewrite a VIP
        Sh.run("ip", "-n", ul, "route", "add", Topology.SERVICE_CIDR, "dev", "br-ul");
        for (NodePlan node : topology.nodes()) {
            String ns = node.netns();
            addNetns(ns);
            Sh.run("ip", "-n", ns, "link", "add", "br0", "type", "bridge");
            Sh.run("ip", "-n", ns, "addr", "add", node.gateway() + "/24", "dev", "br0");
            Sh.run("ip", "-n", ns, "link", "set", "br0", "up");
            String ulPeer = "n" + node.index();
            Sh.run("ip", "link", "add", "ul0", "netns", ns, "type", "veth", "peer", "name", ulPeer, "netns", ul);
            Sh.run("ip", "-n", ul, "link", "set", ulPeer, "master", "br-ul", "up");
            Sh.run("ip", "-n", ns, "addr", "add", node.nodeIp() + "/24", "dev", "ul0");
            Sh.run("ip", "-n", ns, "link", "set", "ul0", "up");
            Sh.run("ip", "-n", ns, "route", "add", "default", "via", Topology.UNDERLAY_IP);
            sysctl(ns, "net.ipv4.ip_forward=1");
            // kube-proxy's DNAT must also see pod-to-pod replies bridged on br0 (default 1 here; set it anyway)
            Sh.exec(Sh.inNetns(ns, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1"), null);
            Sh.run("ip", "-n", ul, "route", "add", node.podCidr(), "via", node.nodeIp());
        }
        String d = Topology.CLUSTER_DOMAIN;
        for (NodePlan node : topology.nodes()) {
            writeResolv(
                    node.netns(),
                    "nameserver " + node.gateway() + "\nsearch svc." + d + " " + d + "\noptions ndots:5\n");
        }
        writeResolv(
                ul,
                "nameserver " + topology.nodes().getFirst().gateway() + "\nsearch svc." + d + " " + d
                        + "\noptions ndots:5\n");
        for (NodePlan node : topology.nodes()) {
            for (NodePlan other : topology.nodes()) {
                if (other != node) {
                    Sh.run("ip", "-n", node.netns(), "route", "add", other.podCidr(), "via", other.nodeIp());
                }
            }
        }
    }

    /**
     * Realises a pod: netns, veth {@code eth0} onto the node bridge, address, default route via the node,
     * and {@code /etc/netns/<netns>/resolv.conf} pointing at the node's DNS server.
     */
    public void addPod(NodePlan node, String netns, String ip, String namespace) {
        addNetns(netns);
        String veth = "veth" + vethSeq.incrementAndGet();
        Sh.run(
                "ip",
                "link",
                "add",
                veth,
                "netns",
                node.netns(),
                "type",
                "veth",
                "peer",
                "name",
                "eth0",
                "netns",
                netns);
        Sh.run("ip", "-n", node.netns(), "link", "set", veth, "master", "br0", "up");
        Sh.run("ip", "-n", netns, "addr", "add", ip + "/24", "dev", "eth0");
        Sh.run("ip", "-n", netns, "link", "set", "eth0", "up");
        Sh.run("ip", "-n", netns, "route", "add", "default", "via", node.gateway());
        writeResolvConf(netns, node.gateway(), namespace);
    }

    /**
     * Deletes a pod's interface, its namespace and its resolv.conf. The veth is deleted first, as a runtime's CNI DEL
     * does: {@code ip netns del} only drops the name, and the namespace lives on while anything holds it (ztunnel's
     * sockets and netns fd until its ZDS removal is processed), which would leave the old pod's address answering on
     * the node bridge after the address has gone to a new pod.
     */
    public void removePod(String netns) {
        Sh.exec(List.of("ip", "-n", netns, "link", "del", "eth0"), null);
        Sh.exec(List.of("ip", "netns", "del", netns), null);
        StateFile.deleteTree(ETC_NETNS.resolve(netns));
    }

    private void writeResolvConf(String netns, String nameserver, String namespace) {
        String d = Topology.CLUSTER_DOMAIN;
        writeResolv(
                netns,
                "nameserver " + nameserver + "\nsearch " + namespace + ".svc." + d + " svc." + d + " " + d
                        + "\noptions ndots:5\n");
    }

    private void writeResolv(String netns, String text) {
        Path dir = ETC_NETNS.resolve(netns);
        state.record("file", dir.toString());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.NETWORK, "cannot write " + dir + "/resolv.conf", e);
        }
    }

    private void addNetns(String name) {
        if (Files.exists(Path.of("/var/run/netns", name))) {
            throw new MeshException(
                    MeshException.Reason.NETWORK, "netns " + name + " already exists (stale run? `make mesh-down`)");
        }
        state.record("netns", name);
        Sh.run("ip", "netns", "add", name);
        Sh.run("ip", "-n", name, "link", "set", "lo", "up");
    }

    private static void sysctl(String netns, String setting) {
        Sh.run(Sh.inNetns(netns, "sysctl", "-qw", setting), null);
    }
}
