package io.ambient4j.conformance.mesh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The journal of everything one mesh run made, written <em>before</em> each thing is made, so that
 * {@code make mesh-down} can undo a run that crashed or was killed with SIGKILL. One line per item:
 * {@code owner <pid>} (the harness JVM), {@code netns <name>}, {@code file <path>}, {@code pid <pid>} (a
 * component process). A live owner is asked to stop first; then the rest is undone newest first.
 */
public final class StateFile {
    /** Where every run keeps its directory (kubeconfig, state journal). */
    public static final Path ROOT = Path.of("/run/ambient4j");

    private final Path dir;
    private final Path journal;
    private final ReentrantLock lock = new ReentrantLock();

    private StateFile(Path dir) {
        this.dir = dir;
        this.journal = dir.resolve("state");
    }

    /** Creates the run directory {@code /run/ambient4j/<prefix>}; fails if a live run already owns it. */
    public static StateFile create(String prefix) {
        Path dir = ROOT.resolve(prefix);
        if (Files.exists(dir.resolve("state"))) {
            throw new MeshException(
                    MeshException.Reason.STATE_FILE,
                    dir + "/state exists: a mesh with prefix '" + prefix + "' is up or crashed; run `make mesh-down`");
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("state"), "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.STATE_FILE, "cannot create " + dir, e);
        }
        return new StateFile(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Records an item before it is made. */
    public void record(String kind, String value) {
        lock.lock();
        try {
            Files.writeString(journal, kind + " " + value + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.STATE_FILE, "cannot append to " + journal, e);
        } finally {
            lock.unlock();
        }
    }

    /** One journal entry. */
    public record Entry(String kind, String value) {}

    /** Parses a journal (pure); unknown or blank lines are ignored. */
    public static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && sp < line.length() - 1) {
                entries.add(
                        new Entry(line.substring(0, sp), line.substring(sp + 1).strip()));
            }
        }
        return entries;
    }

    /**
     * Undoes everything a run directory lists, newest first, best effort (each step may already be gone),
     * then deletes the directory. Returns what was undone, for the log.
     */
    public static List<String> undo(Path runDir) {
        List<String> done = new ArrayList<>();
        Path journal = runDir.resolve("state");
        List<Entry> entries;
        try {
            entries = Files.exists(journal) ? parse(Files.readString(journal)) : List.of();
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.STATE_FILE, "cannot read " + journal, e);
        }
        long self = ProcessHandle.current().pid();
        for (Entry e : entries) {
            if (e.kind().equals("owner")) {
                // a live harness: ask it to tear itself down (its shutdown hook), then finish what is left
                sameProcess(e.value()).filter(ph -> ph.pid() != self).ifPresent(ph -> {
                    ph.destroy();
                    try {
                        ph.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        ph.destroyForcibly();
                    }
                    done.add("stopped harness pid " + ph.pid());
                });
            }
        }
        for (Entry e : entries.reversed()) {
            switch (e.kind()) {
                case "pid" -> {
                    sameProcess(e.value()).ifPresent(ph -> {
                        ph.destroy();
                        try {
                            // awaited, so a cgroup journalled before it can be removed next
                            ph.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (Exception ignored) {
                            ph.destroyForcibly();
                        }
                        done.add("killed pid " + ph.pid());
                    });
                }
                case "netns" -> {
                    if (Files.exists(Path.of("/var/run/netns", e.value()))) {
                        Sh.exec(List.of("ip", "netns", "del", e.value()), null);
                        done.add("deleted netns " + e.value());
                    }
                }
                case "cgroup" -> {
                    if (Files.isDirectory(Path.of(e.value()))) {
                        PauseProcess.removeCgroup(Path.of(e.value()));
                        done.add("removed cgroup " + e.value());
                    }
                }
                case "file" -> {
                    if (deleteTree(Path.of(e.value()))) {
                        done.add("removed " + e.value());
                    }
                }
                default -> {}
            }
        }
        deleteTree(runDir);
        return done;
    }

    /** How a process is journalled: {@code <pid>@<start time in epoch ms>}, so a reused pid is never killed. */
    public static String processId(ProcessHandle ph) {
        return ph.pid() + "@"
                + ph.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }

    /** The live process a journal value names, if it is still the same process (pure apart from the lookup). */
    static java.util.Optional<ProcessHandle> sameProcess(String value) {
        String[] parts = value.split("@", 2);
        if (parts.length != 2) {
            return java.util.Optional.empty();
        }
        long start = Long.parseLong(parts[1]);
        return ProcessHandle.of(Long.parseLong(parts[0]))
                .filter(ProcessHandle::isAlive)
                .filter(ph -> ph.info()
                                .startInstant()
                                .map(java.time.Instant::toEpochMilli)
                                .orElse(-1L)
                        == start);
    }

    /** Undoes every run under {@link #ROOT} (the {@code mesh-down} entry point). */
    public static List<String> undoAll() {
        List<String> done = new ArrayList<>();
        if (!Files.isDirectory(ROOT)) {
            return done;
        }
        try (Stream<Path> runs = Files.list(ROOT)) {
            for (Path run : runs.toList()) {
                done.addAll(undo(run));
                done.add("removed run directory " + run);
            }
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.STATE_FILE, "cannot list " + ROOT, e);
        }
        return done;
    }

    static boolean deleteTree(Path path) {
        if (!Files.exists(path)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
