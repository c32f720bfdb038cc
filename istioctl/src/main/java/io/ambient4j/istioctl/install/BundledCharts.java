package io.ambient4j.istioctl.install;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The charts shipped inside the istioctl jar (under {@code charts/}), copied to a temporary directory
 * because Helm renders from a directory. The copy is removed on {@link #close()}.
 */
public final class BundledCharts implements AutoCloseable {
    private static final String MARKER = "charts/istiod/Chart.yaml";

    private final Path root;
    private final boolean temporary;

    private BundledCharts(Path root, boolean temporary) {
        this.root = root;
        this.temporary = temporary;
    }

    /** Charts from a directory (e.g. a source checkout); nothing is copied. */
    public static BundledCharts fromDirectory(Path dir) {
        return new BundledCharts(dir, false);
    }

    /** Extracts the charts from the classpath. */
    public static BundledCharts extract() {
        URL marker = BundledCharts.class.getClassLoader().getResource(MARKER);
        if (marker == null) {
            throw new IstioctlException(
                    Reason.RENDER_FAILED, "this istioctl build has no charts inside (" + MARKER + " missing)");
        }
        try {
            URI uri = marker.toURI();
            Path tmp = Files.createTempDirectory("istioctl-charts-");
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    copyTree(fs.getPath("/charts"), tmp);
                }
            } else {
                copyTree(Path.of(uri).getParent().getParent(), tmp);
            }
            return new BundledCharts(tmp, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path chart(Component c) {
        return root.resolve(c.dir);
    }

    public Path root() {
        return root;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = s.toList();
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.createDirectories(target.getParent());
                Files.copy(p, target);
            }
        }
    }

    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.getLogger(BundledCharts.class.getName())
                    .log(System.Logger.Level.DEBUG, "could not remove " + root, e);
        }
    }
}
