package io.ambient4j.conformance.demo;

import io.ambient4j.conformance.mesh.MeshException;
import io.ambient4j.conformance.mesh.Preflight;
import io.ambient4j.conformance.mesh.Sh;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 1: whether this machine can run the demo, decided before anything is created. The harness's
 * {@link Preflight} checks root and the tools; on top of that the kernel must give network namespaces
 * (tried with a throwaway {@code unshare --net}, which leaves nothing behind) and iptables (a read-only
 * {@code iptables-save -t nat}).
 */
public final class HostCheck {
    private HostCheck() {}

    /** One finding: what was checked, whether it holds, what was seen, and what to do if not. */
    public record Finding(String what, boolean ok, String seen, String fix) {}

    /** Runs the checks; a failed root/tool check makes the kernel checks pointless, so they are skipped. */
    public static List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        try {
            Preflight.check();
            out.add(new Finding(
                    "root and tools", true, "uid 0; ip, iptables-restore, iptables-save, sysctl found", ""));
        } catch (MeshException e) {
            out.add(new Finding("root and tools", false, e.getMessage(), fixFor(e.reason())));
            return out;
        }
        Sh.Result netns = tryExec("unshare", "--net", "--", "ip", "link", "show", "lo");
        out.add(
                netns.ok()
                        ? new Finding("network namespaces", true, "unshare --net works (a throwaway namespace)", "")
                        : new Finding(
                                "network namespaces",
                                false,
                                "unshare --net failed: " + firstLine(netns.stderr()),
                                "use a kernel with CONFIG_NET_NS and run outside a container that forbids unshare"
                                        + " (e.g. docker run --privileged)"));
        Sh.Result ipt = tryExec("iptables-save", "-t", "nat");
        Sh.Result version = tryExec("iptables", "--version");
        out.add(
                ipt.ok()
                        ? new Finding(
                                "iptables",
                                true,
                                "iptables-save -t nat works"
                                        + (version.ok()
                                                ? " (" + version.stdout().strip() + ")"
                                                : ""),
                                "")
                        : new Finding(
                                "iptables",
                                false,
                                "iptables-save -t nat failed: " + firstLine(ipt.stderr()),
                                "load the nat table (modprobe iptable_nat or nf_tables) or install iptables"));
        return out;
    }

    static String fixFor(MeshException.Reason reason) {
        return switch (reason) {
            case NOT_ROOT -> "run it as root: sudo make demo";
            case MISSING_TOOL -> "apt-get install iproute2 iptables procps, then make demo again";
            default -> "see the message above";
        };
    }

    /** The text printed when the demo cannot start (pure): every failed finding with what to do. */
    public static String refusal(List<Finding> findings) {
        StringBuilder b = new StringBuilder("demo: this machine cannot run the local mesh; nothing was started.\n");
        for (Finding f : findings) {
            if (!f.ok()) {
                b.append("  - ").append(f.what()).append(": ").append(f.seen()).append('\n');
                b.append("    what to do: ").append(f.fix()).append('\n');
            }
        }
        return b.toString();
    }

    public static boolean allOk(List<Finding> findings) {
        return !findings.isEmpty() && findings.stream().allMatch(Finding::ok);
    }

    /** A command that cannot even be started (not installed) is a failed result, not an exception. */
    private static Sh.Result tryExec(String... command) {
        try {
            return Sh.exec(List.of(command), null);
        } catch (MeshException e) {
            return new Sh.Result(-1, "", e.getMessage());
        }
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? (t.isEmpty() ? "(no message)" : t) : t.substring(0, nl);
    }
}
