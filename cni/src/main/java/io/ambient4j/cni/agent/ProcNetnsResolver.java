package io.ambient4j.cni.agent;

import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.Netns;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens a running pod's network namespace by finding one of its processes under {@code /proc} (the pod
 * UID appears in the process's cgroup path) when the CNI plugin did not hand over a netns path, e.g. for
 * pods that were running before the agent started. Processes sharing the host namespace are skipped.
 */
public final class ProcNetnsResolver implements AmbientPodController.NetnsResolver {
    private final Path procRoot;
    private final long hostNetnsInode;

    /** Scans {@code procRoot}; namespaces with inode {@code hostNetnsInode} are never returned. */
    public ProcNetnsResolver(Path procRoot, long hostNetnsInode) {
        this.procRoot = procRoot;
        this.hostNetnsInode = hostNetnsInode;
    }

    /** The real {@code /proc}, excluding the agent's own namespace. */
    public static ProcNetnsResolver system() throws IOException {
        return new ProcNetnsResolver(Path.of("/proc"), Netns.inodeOf(Path.of("/proc/self/ns/net")));
    }

    @Override
    public Optional<Netns> open(PodView pod) throws IOException {
        String wanted = pod.uid().toLowerCase(java.util.Locale.ROOT);
        try (DirectoryStream<Path> pids =
                Files.newDirectoryStream(procRoot, p -> isPid(p.getFileName().toString()))) {
            for (Path pid : pids) {
                Optional<String> uid;
                try {
                    uid = PodCgroups.podUid(Files.readString(pid.resolve("cgroup")));
                } catch (IOException e) {
                    continue; // the process exited or is not readable
                }
                if (uid.isEmpty() || !uid.get().equals(wanted)) {
                    continue;
                }
                Path nsPath = pid.resolve("ns").resolve("net");
                Netns ns;
                try {
                    ns = Netns.open(nsPath);
                } catch (NetException e) {
                    continue;
                }
                if (ns.inode() == hostNetnsInode) {
                    ns.close();
                    continue;
                }
                return Optional.of(ns);
            }
        }
        return Optional.empty();
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
