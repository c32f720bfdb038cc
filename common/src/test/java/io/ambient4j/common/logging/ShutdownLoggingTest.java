package io.ambient4j.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A component's last words survive the JVM's shutdown: a process that logs from its shutdown hook, after a pause that
 * lets the JDK's logging reset run first, still prints the line with {@link ShutdownLogging} installed (and, as a
 * control, loses it without).
 */
class ShutdownLoggingTest {

    /** The child process: logs from a shutdown hook after the JDK's own hook had time to reset logging. */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws Exception {
            if (args.length > 0 && args[0].equals("install")) {
                ShutdownLogging.install();
            }
            System.Logger log = System.getLogger("child");
            log.log(System.Logger.Level.INFO, "started");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(500); // the JDK's logging hook runs meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.log(System.Logger.Level.INFO, "last words while shutting down");
                ShutdownLogging.shutdownComplete();
            }));
            System.exit(0);
        }
    }

    private static String run(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), Child.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void logsFromAShutdownHookAreKept() throws Exception {
        assertThat(run("install")).contains("started").contains("last words while shutting down");
    }

    @Test
    void withoutItTheJdkResetDropsThem() throws Exception {
        assertThat(run()).contains("started").doesNotContain("last words while shutting down");
    }
}
