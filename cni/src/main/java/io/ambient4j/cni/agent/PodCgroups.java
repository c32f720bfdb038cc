package io.ambient4j.cni.agent;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the pod UID in a process's {@code /proc/<pid>/cgroup} text. Kubelet names pod cgroups
 * {@code pod<uid>} (cgroupfs driver) or {@code ...-pod<uid_with_underscores>.slice} (systemd driver);
 * both are recognised. Pure, so the matching is table-tested without processes.
 */
public final class PodCgroups {
    private static final Pattern POD = Pattern.compile(
            "pod([0-9a-fA-F]{8}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{12})(?:\\.slice)?(?:/|$)");

    private PodCgroups() {}

    /** The pod UID (with dashes) of the first cgroup line naming one. */
    public static Optional<String> podUid(String cgroupText) {
        for (String line : cgroupText.split("\n")) {
            int path = line.indexOf(":/");
            if (path < 0) {
                continue;
            }
            Matcher m = POD.matcher(line.substring(path + 1));
            if (m.find()) {
                return Optional.of(m.group(1).replace('_', '-').toLowerCase(java.util.Locale.ROOT));
            }
        }
        return Optional.empty();
    }
}
