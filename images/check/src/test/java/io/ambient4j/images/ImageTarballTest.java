package io.ambient4j.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ambient4j.conformance.echo.EchoImage;
import io.ambient4j.conformance.echo.EchoServer;
import io.ambient4j.conformance.scenario.Outcome;
import io.ambient4j.conformance.scenario.ProbeCommand;
import io.ambient4j.conformance.scenario.ProbeWire;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every image module's tarball (found by its image.name property) is opened like a container runtime
 * would: manifest tag {@code <hub>/<image>:<tag>}, the config's entrypoint and PATH, and the runtime
 * in its layers actually starts (the layers are unpacked and {@code java -version} runs in a chroot
 * with its own /proc, which needs root).
 */
class ImageTarballTest {
    private static final Pattern IMAGE_NAME = Pattern.compile("<image\\.name>([^<]+)</image\\.name>");
    private static final Pattern MAIN_CLASS = Pattern.compile("<image\\.mainClass>([^<]+)</image\\.mainClass>");
    /**
     * Images whose JVM options come from a file in their module, by image name → component (the waypoint module
     * builds upstream's image name proxyv2).
     */
    private static final Map<String, String> WITH_OPTIONS_FILE = Map.of("ztunnel", "ztunnel", "proxyv2", "waypoint");

    private final ObjectMapper json = new ObjectMapper();

    record ImageModule(String name, String mainClass, Path tar) {}

    static List<ImageModule> imageModules() throws IOException {
        Path root = Path.of(System.getProperty("images.dir", ".."));
        List<ImageModule> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path pom = dir.resolve("pom.xml");
                if (!Files.isRegularFile(pom)) {
                    continue;
                }
                String text = Files.readString(pom);
                Matcher n = IMAGE_NAME.matcher(text);
                Matcher m = MAIN_CLASS.matcher(text);
                if (n.find() && m.find()) {
                    out.add(new ImageModule(n.group(1), m.group(1), dir.resolve("target/jib-image.tar")));
                }
            }
        }
        return out;
    }

    @Test
    void everyImageTarballHasTheChartNameEntrypointAndARuntimeThatStarts() throws Exception {
        List<ImageModule> images = imageModules();
        assertThat(images).extracting(ImageModule::name).contains("pilot", "install-cni", "ztunnel", "proxyv2", "echo");
        for (ImageModule image : images) {
            checkImage(image);
        }
    }

    private void checkImage(ImageModule image) throws Exception {
        assertThat(image.tar())
                .as("%s tarball (mvn -Pimages package)", image.name())
                .isRegularFile();
        Path work = Files.createTempDirectory("image-" + image.name() + "-");
        try {
            run(work, "tar", "-xf", image.tar().toString(), "-C", work.toString());
            JsonNode manifest =
                    json.readTree(work.resolve("manifest.json").toFile()).get(0);
            String expectedTag =
                    System.getProperty("image.hub") + "/" + image.name() + ":" + System.getProperty("image.tag");
            assertThat(manifest.get("RepoTags").get(0).asText()).isEqualTo(expectedTag);

            JsonNode config = json.readTree(
                            work.resolve(manifest.get("Config").asText()).toFile())
                    .get("config");
            List<String> entrypoint = new ArrayList<>();
            config.get("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
            assertThat(entrypoint.getFirst()).isEqualTo("java");
            assertThat(entrypoint).contains("--enable-native-access=ALL-UNNAMED", "-cp", "@/app/jib-classpath-file");
            assertThat(entrypoint.getLast()).isEqualTo(image.mainClass());
            if (WITH_OPTIONS_FILE.containsKey(image.name())) {
                // the proxies' socket code, and their JVM options file (shared with the bench and local mesh)
                assertThat(entrypoint)
                        .contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "@" + optionsFile(image.name()));
            }
            List<String> env = new ArrayList<>();
            config.get("Env").forEach(e -> env.add(e.asText()));
            assertThat(env).contains("PATH=/opt/java/bin", "JAVA_HOME=/opt/java");

            // unpack the layers in order, as a runtime would
            Path rootfs = Files.createDirectories(work.resolve("rootfs"));
            for (JsonNode layer : manifest.get("Layers")) {
                run(work, "tar", "-xzf", work.resolve(layer.asText()).toString(), "-C", rootfs.toString());
            }
            String classpath = Files.readString(rootfs.resolve("app/jib-classpath-file"));
            assertThat(classpath).contains("/app/libs/");
            assertThat(Files.readString(rootfs.resolve("app/jib-main-class-file"))
                            .trim())
                    .isEqualTo(image.mainClass());
            // the class the entrypoint names is in one of the image's jars
            String classFile = image.mainClass().replace('.', '/') + ".class";
            boolean found = false;
            for (String entry : classpath.trim().split(":")) {
                Path jar = rootfs.resolve(entry.substring(1));
                if (entry.endsWith(".jar") && Files.isRegularFile(jar)) {
                    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
                        found |= z.getEntry(classFile) != null;
                    }
                }
            }
            assertThat(found)
                    .as("%s in the jars of %s", classFile, image.name())
                    .isTrue();

            // the entrypoint's "java", resolved through the image's PATH, runs inside the image's files
            Files.createDirectories(rootfs.resolve("proc"));
            String version = javaInImage(work, rootfs, "-version");
            assertThat(version).as("java -version in %s", image.name()).contains("OpenJDK Runtime Environment");
            if (WITH_OPTIONS_FILE.containsKey(image.name())) {
                // the image's JVM accepts every option of the file, as the entrypoint passes it
                String options = optionsFile(image.name());
                assertThat(rootfs.resolve(options.substring(1)))
                        .hasSameTextualContentAs(Path.of(
                                "..",
                                "..",
                                WITH_OPTIONS_FILE.get(image.name()),
                                "src",
                                "main",
                                "resources",
                                WITH_OPTIONS_FILE.get(image.name()) + "-jvm.options"));
                String withOptions = javaInImage(work, rootfs, "@" + options, "-version");
                assertThat(withOptions).contains("OpenJDK Runtime Environment");
            }
            if (image.name().equals(EchoImage.NAME)) {
                assertThat(image.mainClass()).isEqualTo(EchoImage.MAIN_CLASS);
                echoServesAndProbes(work, rootfs, entrypoint);
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String optionsFile(String image) {
        return "/etc/ambient4j/" + WITH_OPTIONS_FILE.get(image) + "-jvm.options";
    }

    /**
     * The echo image as a pod uses it: its entrypoint (from the image config) with the {@code serve} args the runner gives an echo container,
     * and the exact command the runner execs for a probe ({@link EchoImage#probeExec}), both inside the image's files;
     * the probe's output is read back with the runner's {@link ProbeWire}.
     */
    private static void echoServesAndProbes(Path work, Path rootfs, List<String> entrypoint) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> serve = new ArrayList<>(inImage(rootfs));
        serve.addAll(entrypoint);
        serve.addAll(EchoImage.serveArgs(List.of(new EchoServer.Port("http", port))));
        ProcessBuilder pb = new ProcessBuilder(serve).directory(work.toFile());
        pb.environment().put("PATH", "/opt/java/bin");
        pb.environment().put("POD_NAME", "echo-in-image");
        pb.environment().put("POD_NAMESPACE", "images");
        Process server = pb.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first)
                    .as(
                            "echo serve in the image: %s",
                            first == null
                                    ? new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                                    : "")
                    .isEqualTo("echo: serving http=" + port + " as images/echo-in-image");

            List<String> probe = new ArrayList<>(inImage(rootfs));
            probe.addAll(EchoImage.probeExec(new ProbeCommand(
                            "http://127.0.0.1:" + port + "/from-the-image",
                            "GET",
                            Map.of(),
                            null,
                            Duration.ofSeconds(5))
                    .args()));
            ProcessBuilder pp = new ProcessBuilder(probe).directory(work.toFile());
            pp.environment().put("PATH", "/opt/java/bin");
            Process p = pp.start();
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(answer).isZero();
            Outcome o = ProbeWire.decode(answer);
            assertThat(o.status()).as(o.describe()).isEqualTo(200);
            assertThat(o.body()).contains("Hostname=echo-in-image", "Namespace=images", "URL=/from-the-image");
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** The prefix that runs a command inside the unpacked image (chroot, private mount and pid namespaces). */
    private static List<String> inImage(Path rootfs) {
        return List.of(
                "/usr/bin/unshare",
                "-m",
                "-p",
                "-f",
                "--kill-child",
                "--mount-proc=" + rootfs.resolve("proc"),
                "/usr/sbin/chroot",
                rootfs.toString());
    }

    /** The image's own java, run inside its unpacked files (chroot, private mount and pid namespaces). */
    private static String javaInImage(Path work, Path rootfs, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                "unshare",
                "-m",
                "-p",
                "-f",
                "--mount-proc=" + rootfs.resolve("proc"),
                "chroot",
                rootfs.toString(),
                "/opt/java/bin/java"));
        cmd.addAll(List.of(args));
        return run(work, cmd.toArray(String[]::new));
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS))
                .as("%s finished", String.join(" ", cmd))
                .isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out;
    }
}
