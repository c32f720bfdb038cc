package io.ambient4j.ztunnel.dns;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The parts of ztunnel's own resolv.conf the forwarder needs (resolv.conf(5)): up to three {@code nameserver}
 * addresses, the {@code search} list (used only by a dedicated proxy; shared mode uses each pod's Kubernetes search
 * list), and {@code options timeout:n attempts:n}. As the C library does, lines it cannot use are skipped and no
 * nameserver at all means the local one. Read once at start-up.
 *
 * @param timeout how long one attempt at one server may take
 * @param attempts rounds over the server list
 */
public record ResolvConf(List<InetSocketAddress> nameservers, List<DnsName> search, Duration timeout, int attempts) {
    private static final System.Logger LOG = System.getLogger(ResolvConf.class.getName());
    /** The usual location. */
    public static final Path DEFAULT_PATH = Path.of("/etc/resolv.conf");

    private static final int MAX_NAMESERVERS = 3;
    private static final int DNS_PORT = 53;
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+(%[A-Za-z0-9_.-]+)?");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_ATTEMPTS = 2;

    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
    }

    /** Reads and parses a file. */
    public static ResolvConf read(Path path) throws IOException {
        return parse(Files.readString(path, StandardCharsets.ISO_8859_1));
    }

    /** Parses resolv.conf text. */
    public static ResolvConf parse(String text) {
        List<InetSocketAddress> servers = new ArrayList<>();
        List<DnsName> search = List.of();
        Duration timeout = DEFAULT_TIMEOUT;
        int attempts = DEFAULT_ATTEMPTS;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] f = line.split("\\s+");
            switch (f[0]) {
                case "nameserver" -> {
                    if (f.length >= 2 && servers.size() < MAX_NAMESERVERS) {
                        ip(f[1]).ifPresentOrElse(
                                        ip -> servers.add(new InetSocketAddress(ip, DNS_PORT)),
                                        () -> LOG.log(Level.WARNING, "resolv.conf: ignoring nameserver {0}", f[1]));
                    }
                }
                // The last of "search" and "domain" wins, as in the C library.
                case "search" -> search = names(f);
                case "domain" -> search = f.length >= 2 ? names(new String[] {"", f[1]}) : List.of();
                case "options" -> {
                    for (int i = 1; i < f.length; i++) {
                        if (f[i].startsWith("timeout:")) {
                            timeout = Duration.ofSeconds(bounded(f[i].substring(8), 1, 30, 5));
                        } else if (f[i].startsWith("attempts:")) {
                            attempts = bounded(f[i].substring(9), 1, 5, DEFAULT_ATTEMPTS);
                        }
                    }
                }
                default -> {}
            }
        }
        if (servers.isEmpty()) {
            servers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), DNS_PORT));
        }
        return new ResolvConf(servers, search, timeout, attempts);
    }

    private static List<DnsName> names(String[] f) {
        List<DnsName> out = new ArrayList<>();
        for (int i = 1; i < f.length; i++) {
            try {
                DnsName n = DnsName.of(f[i]);
                if (n.size() > 0) {
                    out.add(n);
                }
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "resolv.conf: ignoring search domain {0}", f[i]);
            }
        }
        return out;
    }

    private static int bounded(String v, int min, int max, int dflt) {
        try {
            return Math.clamp(Integer.parseInt(v), min, max);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** An IP literal, never a host name (resolving one here would need DNS). */
    private static java.util.Optional<InetAddress> ip(String s) {
        if (!IP_LITERAL.matcher(s).matches()
                || (!s.contains(":") && s.chars().filter(c -> c == '.').count() != 3)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }
}
