package io.ambient4j.cni.netns;

import io.ambient4j.cni.rules.RuleConstants;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.common.net.RequireRoot;
import io.ambient4j.common.net.SocketFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A node and its pods as network namespaces (netns-notes §1): node netns with bridge 10.244.0.1/24, each
 * pod a netns with eth0 on a veth to the bridge and a default route via the bridge. Names carry a random
 * tag so parallel runs never collide; {@link #close()} deletes every namespace, which removes veths,
 * bridge, rules, routes, ipsets and conntrack with them.
 */
public final class NetnsLab implements AutoCloseable {
    public static final String NODE_IP = "10.244.0.1";

    private final String tag;
    private final List<String> created = new ArrayList<>();
    private final Map<String, Netns> handles = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    public final NetnsExecutor executor;
    public final CommandRunner runner;
    public final String node;

    public NetnsLab() throws IOException {
        RequireRoot.check();
        tag = "a4j-"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(2);
        executor = NetnsExecutor.start("lab-" + tag);
        runner = new CommandRunner(executor, Duration.ofSeconds(20));
        boolean ok = false;
        try {
            node = tag + "-n";
            host("ip", "netns", "add", node);
            created.add(node);
            host("ip", "-n", node, "link", "set", "lo", "up");
            host("ip", "-n", node, "link", "add", "br0", "type", "bridge");
            host("ip", "-n", node, "addr", "add", NODE_IP + "/24", "dev", "br0");
            host("ip", "-n", node, "link", "set", "br0", "up");
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /** Adds pod {@code suffix} with address 10.244.0.{@code host}. */
    public String pod(String suffix, int hostPart) throws IOException {
        String name = tag + "-" + suffix;
        host("ip", "netns", "add", name);
        created.add(name);
        host("ip", "-n", name, "link", "set", "lo", "up");
        String veth = "v" + tag.substring(4) + suffix;
        host("ip", "link", "add", veth, "netns", node, "type", "veth", "peer", "name", "eth0", "netns", name);
        host("ip", "-n", node, "link", "set", veth, "master", "br0", "up");
        host("ip", "-n", name, "addr", "add", ip(hostPart) + "/24", "dev", "eth0");
        host("ip", "-n", name, "link", "set", "eth0", "up");
        host("ip", "-n", name, "route", "add", "default", "via", NODE_IP);
        return name;
    }

    public static String ip(int hostPart) {
        return "10.244.0." + hostPart;
    }

    /** An open handle on a lab namespace, closed with the lab. */
    public Netns ns(String name) throws IOException {
        Netns existing = handles.get(name);
        if (existing == null) {
            existing = Netns.named(name);
            handles.put(name, existing);
        }
        return existing;
    }

    /** A plain TCP listener created inside {@code netns} (an app). */
    public ServerSocketChannel listen(String netns, String address, int port) throws IOException {
        ServerSocketChannel server = executor.call(ns(netns), ServerSocketChannel::open);
        closeables.add(server);
        server.bind(new InetSocketAddress(address, port));
        return server;
    }

    /** A plain client socket created inside {@code netns}, connected within 5 s. */
    public SocketChannel connect(String netns, String address, int port) throws IOException {
        SocketChannel client = executor.call(ns(netns), SocketChannel::open);
        closeables.add(client);
        client.socket().connect(new InetSocketAddress(address, port), 5000);
        return client;
    }

    /** Sockets made as ztunnel makes them inside {@code pod}: in its netns, with SO_MARK 0x539. */
    public SocketFactory ztunnelIn(String pod) throws IOException {
        return SocketFactory.inNetns(executor, ns(pod), RuleConstants.INPOD_MARK);
    }

    /** A ztunnel listener on the wildcard address inside {@code pod}, closed with the lab. */
    public ServerSocketChannel ztunnelListener(String pod, int port) throws IOException {
        return track(ztunnelIn(pod).listen(new InetSocketAddress("0.0.0.0", port), 64));
    }

    /** Registers something to close with the lab. */
    public <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    /** Accepts one connection within {@code timeout}, or returns null. */
    public static SocketChannel acceptWithin(ServerSocketChannel server, Duration timeout) throws IOException {
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            if (selector.select(timeout.toMillis()) == 0) {
                return null;
            }
            SocketChannel accepted = server.accept();
            if (accepted != null) {
                accepted.configureBlocking(true);
            }
            return accepted;
        }
    }

    /** Runs a command in the root namespace (lab set-up only). */
    public static String host(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    /** Runs a command inside a lab namespace and returns stdout; throws on failure. */
    public String in(String netns, String... cmd) throws IOException {
        return runner.check(ns(netns), List.of(cmd)).stdout();
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? new IOException(e) : first;
            }
        }
        for (Netns n : handles.values()) {
            n.close();
        }
        executor.close();
        for (String name : created.reversed()) {
            try {
                host("ip", "netns", "del", name);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
