package io.ambient4j.cni.plugin;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Puts the plugin on the node and keeps it there: the binary into the host's CNI bin directory and the
 * plugin's entry as the last plugin of the node's chained configuration (ambient-spec §6.5), then watches
 * both directories and repairs whenever either is removed or edited away. Every pass is idempotent and
 * writes only what differs, atomically (temporary file and rename), so the runtime never reads a partial
 * file from us. A configuration it cannot parse is reported and left alone until it changes.
 */
public final class CniInstaller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CniInstaller.class.getName());
    private static final Duration RESYNC = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofMillis(50);

    /** Upstream's {@code result} label values of {@code istio_cni_installs_total}. */
    public enum Result {
        SUCCESS,
        COPY_BINARIES_FAILURE,
        CREATE_CNI_CONFIG_FAILURE
    }

    /** Hears about every pass that wrote something or failed (metrics). */
    public interface Listener {
        void installed(Result result);

        void ready(boolean ready);
    }

    private final CniInstallConfig config;
    private final Listener listener;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    /** Passes run from start() and from the watch thread; never two at once. */
    private final ReentrantLock passLock = new ReentrantLock();

    private volatile WatchService watcher;
    private Thread loop;

    public CniInstaller(CniInstallConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
    }

    /** Whether the last pass left binary and configuration in place. */
    public boolean ready() {
        return ready.get();
    }

    /** The reason the last pass failed, if it did. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    /** Runs a first pass now, then repairs on every change of either directory (and every 10 s). */
    public void start() throws IOException {
        Files.createDirectories(config.mountedBinDir());
        Files.createDirectories(config.mountedConfDir());
        watcher = config.mountedConfDir().getFileSystem().newWatchService();
        for (Path d : List.of(config.mountedConfDir(), config.mountedBinDir())) {
            d.register(
                    watcher,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        }
        pass();
        loop = Thread.ofVirtual().name("cni-install-watch").start(this::watch);
    }

    private void watch() {
        WatchService w = watcher;
        while (true) {
            try {
                WatchKey key = w.poll(RESYNC.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    // Let a burst of writes (an editor, the primary CNI rewriting) settle, then look once.
                    WatchKey more = key;
                    while (more != null) {
                        more.pollEvents();
                        more.reset();
                        more = w.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
                pass();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    /** One repair pass; never throws, the outcome goes to readiness, metrics and the log. */
    public void pass() {
        passLock.lock();
        try {
            passLocked();
        } finally {
            passLock.unlock();
        }
    }

    private void passLocked() {
        try {
            boolean wrote = copyBinary();
            try {
                wrote |= installConfig().isPresent();
            } catch (CniConfigException | IOException e) {
                fail(Result.CREATE_CNI_CONFIG_FAILURE, e.getMessage());
                return;
            }
            if (wrote) {
                listener.installed(Result.SUCCESS);
            }
            if (!ready.getAndSet(true) || lastError.getAndSet(null) != null) {
                LOG.log(
                        Level.INFO,
                        "istio-cni plugin installed in {0} and {1}",
                        config.mountedBinDir(),
                        config.mountedConfDir());
                listener.ready(true);
            }
        } catch (IOException e) {
            fail(Result.COPY_BINARIES_FAILURE, e.toString());
        }
    }

    private void fail(Result result, String message) {
        ready.set(false);
        listener.ready(false);
        listener.installed(result);
        if (!Objects.equals(lastError.getAndSet(message), message)) {
            LOG.log(Level.ERROR, "installing the istio-cni plugin: {0}", message);
        }
    }

    /** Copies the binary when missing or different; true when it wrote. */
    private boolean copyBinary() throws IOException {
        Path target = config.installedBinary();
        if (Files.isRegularFile(target) && Files.mismatch(config.pluginSource(), target) == -1) {
            return false;
        }
        Path tmp = Files.createTempFile(config.mountedBinDir(), ".istio-cni", ".tmp");
        try {
            Files.copy(config.pluginSource(), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.log(Level.INFO, "copied {0} to {1}", config.pluginSource(), target);
        return true;
    }

    /** Makes the configuration right; the file written, or empty when it already was. */
    Optional<Path> installConfig() throws CniConfigException, IOException {
        Map<String, Object> entry = CniConfigs.entry(config);
        Path dir = config.mountedConfDir();
        if (!config.chained()) {
            Path target = dir.resolve(config.confName().orElse(CniInstallConfig.STANDALONE_FILE));
            return writeIfDifferent(target, CniConfigs.standalone(config), mode(Optional.empty()));
        }
        Optional<String> chosen = CniConfigs.choose(listing(dir), config.confName(), config.istioOwnedFileName());
        if (chosen.isEmpty()) {
            throw new CniConfigException(
                    CniConfigException.Reason.NO_PRIMARY_CONFIG,
                    "no CNI network config in " + dir
                            + config.confName().map(n -> " named " + n).orElse("")
                            + " yet; waiting for the primary CNI to write one");
        }
        Path source = dir.resolve(chosen.get());
        Map<String, Object> existing = read(source);
        if (config.istioOwned()) {
            // The primary's file stays untouched; ours sorts first and carries the whole chain.
            return writeIfDifferent(
                    dir.resolve(config.istioOwnedFileName()),
                    CniConfigs.chain(existing, entry),
                    mode(Optional.empty()));
        }
        if (CniConfigs.hasEntryLast(existing, entry)) {
            return Optional.empty();
        }
        Path target = chosen.get().endsWith(".conf") ? dir.resolve(chosen.get() + "list") : source;
        write(target, CniConfigs.render(CniConfigs.chain(existing, entry)), mode(Optional.of(source)));
        if (!target.equals(source)) {
            Files.deleteIfExists(source);
        }
        LOG.log(Level.INFO, "chained istio-cni into {0}", target);
        return Optional.of(target);
    }

    /** Removes the binary and our configuration (the DaemonSet is gone: an uninstall). */
    public void uninstall() throws IOException {
        Files.deleteIfExists(config.installedBinary());
        Path dir = config.mountedConfDir();
        if (!config.chained()) {
            Files.deleteIfExists(dir.resolve(config.confName().orElse(CniInstallConfig.STANDALONE_FILE)));
        } else if (config.istioOwned()) {
            Files.deleteIfExists(dir.resolve(config.istioOwnedFileName()));
        } else {
            Optional<String> chosen = CniConfigs.choose(listing(dir), config.confName(), config.istioOwnedFileName());
            if (chosen.isPresent()) {
                Path file = dir.resolve(chosen.get());
                try {
                    Map<String, Object> existing = read(file);
                    write(file, CniConfigs.render(CniConfigs.unchain(existing)), mode(Optional.of(file)));
                } catch (CniConfigException e) {
                    LOG.log(Level.WARNING, "uninstall left {0} alone: {1}", file, e.getMessage());
                }
            }
        }
        LOG.log(Level.INFO, "istio-cni plugin and configuration removed");
    }

    private Optional<Path> writeIfDifferent(Path target, Map<String, Object> desired, Set<PosixFilePermission> mode)
            throws IOException {
        byte[] bytes = CniConfigs.render(desired);
        if (Files.isRegularFile(target)) {
            try {
                if (CniConfigs.parse(target.toString(), Files.readAllBytes(target))
                        .equals(CniConfigs.parse("", bytes))) {
                    return Optional.empty();
                }
            } catch (CniConfigException e) {
                // Ours and broken: rewrite it.
            }
        }
        write(target, bytes, mode);
        LOG.log(Level.INFO, "wrote {0}", target);
        return Optional.of(target);
    }

    private static Map<String, Object> read(Path file) throws CniConfigException {
        try {
            return CniConfigs.parse(file.toString(), Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new CniConfigException(CniConfigException.Reason.IO, file + " disappeared while being read");
        } catch (IOException e) {
            throw new CniConfigException(CniConfigException.Reason.IO, "reading " + file + ": " + e.getMessage(), e);
        }
    }

    private Set<PosixFilePermission> mode(Optional<Path> keepFrom) throws IOException {
        if (keepFrom.isPresent() && Files.exists(keepFrom.get())) {
            return Files.getPosixFilePermissions(keepFrom.get());
        }
        return PosixFilePermissions.fromString(config.groupReadable() ? "rw-r-----" : "rw-------");
    }

    private static void write(Path target, byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
        // Not .conf/.conflist, so the runtime never picks up the temporary file.
        Path tmp = Files.createTempFile(target.getParent(), ".istio-cni", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, mode);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    @Override
    public void close() throws IOException {
        WatchService w = watcher;
        if (w != null) {
            w.close();
        }
        if (loop != null) {
            loop.interrupt();
        }
    }
}
