package io.ambient4j.conformance.echo;

import io.ambient4j.conformance.scenario.Outcome;
import io.ambient4j.conformance.scenario.Probe;
import io.ambient4j.conformance.scenario.ProbeCommand;
import io.ambient4j.conformance.scenario.ProbeWire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The echo image's entrypoint. {@code serve name=port...}: the echo app on the pod's container ports (the runner puts
 * them into the container's args from its {@code ports}), answering as the pod {@code POD_NAME} (else
 * {@code HOSTNAME}) in {@code POD_NAMESPACE}. {@code probe <url> [options]} ({@link ProbeCommand}): one probe from
 * this container's network, its {@link Outcome} printed in the {@link ProbeWire} format, exit 0 whatever the outcome
 * (2 for bad arguments); this is how checks run from a pod of a real cluster, through {@code kubectl exec}.
 */
public final class EchoMain {
    private static final Path SA_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private EchoMain() {}

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        String mode = a.isEmpty() ? "" : a.getFirst();
        try {
            switch (mode) {
                case "serve" -> serve(a.subList(1, a.size()));
                case "probe" -> probe(ProbeCommand.parse(a));
                default ->
                    throw new IllegalArgumentException(
                            "usage: serve name=port... | probe <url> [--method M] [--header name=value]..."
                                    + " [--send text] [--timeout-ms N]");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("echo: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void serve(List<String> entries) throws IOException, InterruptedException {
        List<EchoServer.Port> ports = EchoImage.parsePorts(entries);
        String pod = firstSet(System.getenv("POD_NAME"), System.getenv("HOSTNAME"), "echo");
        String ns = firstSet(
                System.getenv("POD_NAMESPACE"),
                Files.isReadable(SA_NAMESPACE)
                        ? Files.readString(SA_NAMESPACE, StandardCharsets.UTF_8).strip()
                        : null,
                "default");
        EchoServer server = EchoServer.startHere(pod, ns, ports);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "echo-close"));
        System.out.println("echo: serving "
                + String.join(" ", EchoImage.serveArgs(ports).subList(1, ports.size() + 1)) + " as " + ns + "/" + pod);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void probe(ProbeCommand c) {
        Outcome o = Probe.here().run(null, c.url(), c.method(), c.headers(), c.send(), c.timeout());
        System.out.print(ProbeWire.encode(o));
        System.out.flush();
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
