package io.ambient4j.bench;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A ztunnel pair as two JVM processes ({@link ZtunnelNode}): the client-side ztunnel serves pod a and captures on
 * a's 15001, carries the connection over HBONE (HTTP/2 CONNECT over mutual TLS) to the server-side ztunnel's 15008
 * for pod b, which connects to the sink. Separate processes so each proxy's RSS can be read on its own, as a node's
 * ztunnel would be.
 */
final class ZtunnelPair implements TunnelPath {
    /** The classpath resource (ztunnel's jar) holding the JVM options every ztunnel process runs with. */
    static final String JVM_OPTIONS_RESOURCE = "/ztunnel-jvm.options";

    /** ztunnel's JVM options as the image and the local mesh use them (the java @-file, comments dropped). */
    static List<String> defaultJvmFlags() {
        try (var in = ZtunnelPair.class.getResourceAsStream(JVM_OPTIONS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(JVM_OPTIONS_RESOURCE + " is not on the classpath (ztunnel's jar)");
            }
            return parseOptions(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The options of a java @-file: whitespace-separated, '#' to the end of the line is a comment. */
    static List<String> parseOptions(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            for (String option : content.strip().split("\\s+")) {
                if (!option.isEmpty()) {
                    out.add(option);
                }
            }
        }
        return List.copyOf(out);
    }

    /** glibc malloc arenas for the ztunnels (the ztunnel-proxy branch measured less RSS with 2). */
    static final String MALLOC_ARENA_MAX = System.getProperty("bench.mallocArenaMax", "2");

    private final List<ProxyProcess> nodes;
    private final InetSocketAddress entry;
    private final InetAddress clientIp;
    private final List<String> jvmFlags;

    private ZtunnelPair(List<ProxyProcess> nodes, InetSocketAddress entry, InetAddress clientIp, List<String> flags) {
        this.nodes = nodes;
        this.entry = entry;
        this.clientIp = clientIp;
        this.jvmFlags = flags;
    }

    /** The flags from {@code -Dbench.ztunnelJvm} (space-separated), else ztunnel's own ({@link #defaultJvmFlags}). */
    static List<String> jvmFlags() {
        String custom = System.getProperty("bench.ztunnelJvm");
        return custom == null || custom.isBlank()
                ? defaultJvmFlags()
                : Arrays.stream(custom.strip().split("\\s+")).toList();
    }

    /**
     * The ztunnel processes' class path: {@code bench.ztunnelClasspath} when set (the Makefile sets it to this bench's
     * classes plus ztunnel's runtime class path, which is what a ztunnel ships with), else the bench's own (which also
     * holds istiod, fabric8 and BouncyCastle: every jar on a class path costs the JVM its central directory in the
     * heap once a class lookup reaches it).
     */
    static String nodeClasspath() {
        String cp = System.getProperty("bench.ztunnelClasspath");
        return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
    }

    static ZtunnelPair start(
            Path dir, MeshCa ca, InetAddress clientIp, InetAddress serverIp, InetSocketAddress sink, List<String> flags)
            throws IOException, InterruptedException {
        List<ProxyProcess> started = new ArrayList<>();
        try {
            // Server first, so the client's first dial finds 15008 open.
            for (String role : List.of("server", "client")) {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(flags);
                cmd.addAll(List.of(
                        "--enable-native-access=ALL-UNNAMED",
                        "--add-opens",
                        "java.base/sun.nio.ch=ALL-UNNAMED",
                        "-cp",
                        nodeClasspath(),
                        ZtunnelNode.class.getName(),
                        role,
                        clientIp.getHostAddress(),
                        serverIp.getHostAddress(),
                        sink.getAddress().getHostAddress(),
                        String.valueOf(sink.getPort())));
                ProcessBuilder pb = new ProcessBuilder(cmd);
                pb.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
                Process p = pb.redirectError(
                                dir.resolve("ztunnel-" + role + ".log").toFile())
                        .start();
                started.add(new ProxyProcess(role, p));
                awaitReady(p, role, ca);
            }
            InetSocketAddress entry = new InetSocketAddress(clientIp, 15001);
            Processes.awaitListening(started.get(1).process(), entry, Duration.ofSeconds(10));
            return new ZtunnelPair(List.of(started.get(1), started.get(0)), entry, clientIp, flags);
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.forEach(n -> Processes.stop(n.process()));
            throw e;
        }
    }

    /** Reads the node's output until READY, signing the CSRs it sends on the way (the CA API's part). */
    private static void awaitReady(Process p, String role, MeshCa ca) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return;
            }
            if (line.startsWith(ZtunnelNode.CSR_PREFIX)) {
                String csr = ZtunnelNode.decode(line.substring(ZtunnelNode.CSR_PREFIX.length()))
                        .getFirst();
                SpiffeId id = Csr.requestedIdentity(csr);
                List<String> chain = ca.responseChain(ca.signCsr(csr, id, Duration.ofHours(24)));
                p.getOutputStream()
                        .write((ZtunnelNode.CHAIN_PREFIX + ZtunnelNode.encode(chain) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
            }
        }
        throw new IOException("ztunnel " + role + " exited before READY (see its log in the bench temp dir)");
    }

    @Override
    public String name() {
        return "ztunnel";
    }

    @Override
    public InetSocketAddress entry() {
        return entry;
    }

    @Override
    public InetAddress bindFrom() {
        return clientIp;
    }

    @Override
    public List<ProxyProcess> processes() {
        return nodes;
    }

    @Override
    public String description() {
        return "ztunnel (pod a, own JVM) :15001 → HBONE, HTTP/2 CONNECT over TLS 1.3 mutual → ztunnel (pod b, own JVM)"
                + " :15008; JVM flags `" + String.join(" ", jvmFlags) + "`, `MALLOC_ARENA_MAX=" + MALLOC_ARENA_MAX
                + "`";
    }

    @Override
    public void close() {
        for (ProxyProcess n : nodes) {
            try {
                n.process().getOutputStream().close(); // the node exits when its stdin closes
            } catch (IOException e) {
                // stopped below anyway
            }
        }
        nodes.forEach(n -> Processes.stop(n.process()));
    }
}
