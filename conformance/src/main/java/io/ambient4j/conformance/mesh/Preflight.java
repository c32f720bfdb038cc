package io.ambient4j.conformance.mesh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks, before anything is made, that the machine can run a local mesh: root, and the tools {@code ip},
 * {@code iptables-restore}, {@code iptables-save}, {@code sysctl}. Fails with what to do.
 */
public final class Preflight {
    private Preflight() {}

    public static void check() {
        String uid = effectiveUid();
        if (!uid.equals("0")) {
            throw new MeshException(
                    MeshException.Reason.NOT_ROOT,
                    "the local mesh needs root (network namespaces, veth, iptables); effective uid is " + uid
                            + ". Run as root, e.g. `sudo make mesh-up`.");
        }
        for (String tool : List.of("ip", "iptables-restore", "iptables-save", "sysctl")) {
            if (!onPath(tool)) {
                throw new MeshException(
                        MeshException.Reason.MISSING_TOOL,
                        tool
                                + " not found on PATH: install iproute2, iptables and procps (apt-get install iproute2 iptables procps)");
            }
        }
    }

    static String effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2];
                }
            }
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.NOT_ROOT, "cannot read /proc/self/status");
        }
        return "?";
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
