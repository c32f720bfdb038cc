package io.ambient4j.common.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Root-only tests call this first: without root they must fail loudly, never skip, so a CI run without
 * privileges cannot pass by not running them.
 */
public final class RequireRoot {
    private RequireRoot() {}

    /** Fails with a clear message unless the effective uid is 0. */
    public static void check() {
        try {
            check(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/self/status to check for root", e);
        }
    }

    /** The same check on the text of a {@code /proc/<pid>/status} file. */
    static void check(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("Uid:")) {
                String effective = line.split("\\s+")[2];
                if (!effective.equals("0")) {
                    throw new AssertionError("this test needs root (network namespaces, iptables); effective uid is "
                            + effective + ". Run `make test` as root.");
                }
                return;
            }
        }
        throw new AssertionError("no Uid line in /proc/self/status");
    }
}
