package io.ambient4j.conformance.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mesh starts a component with the JVM options file its module ships, as its image and the bench do. */
class JavaMainLauncherTest {

    @Test
    void theComponentsOptionsFileIsFoundInAClasspathDirectory(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("ztunnel/target/classes"));
        Path other = Files.createDirectories(dir.resolve("common/target/classes"));
        Path jar = Files.writeString(dir.resolve("lib.jar"), "not a directory");
        String cp = other + ":" + jar + ":" + classes;
        assertThat(JavaMainLauncher.jvmOptionsFile(cp, "ztunnel")).isEmpty();

        Path options = Files.writeString(classes.resolve("ztunnel-jvm.options"), "-XX:+UseSerialGC\n");
        assertThat(JavaMainLauncher.jvmOptionsFile(cp, "ztunnel")).contains(options);
        assertThat(JavaMainLauncher.jvmOptionsFile(cp, "istiod")).isEmpty();
        assertThat(JavaMainLauncher.jvmOptionsFile(null, "ztunnel")).isEmpty();
    }

    @Test
    void theRealZtunnelModuleShipsOne() {
        // the file the image, the bench and the local mesh share (ztunnel/src/main/resources)
        Path shipped = Path.of("..", "ztunnel", "src", "main", "resources", "ztunnel-jvm.options");
        assertThat(shipped).isRegularFile().content().contains("-XX:+UseSerialGC");
    }
}
