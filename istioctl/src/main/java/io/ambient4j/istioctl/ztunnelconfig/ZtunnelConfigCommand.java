package io.ambient4j.istioctl.ztunnelconfig;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.ambient4j.istioctl.KubeErrors;
import io.ambient4j.istioctl.KubeOptions;
import io.ambient4j.istioctl.Main;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code istioctl ztunnel-config workloads|services|policies|certificates}: what one ztunnel currently
 * knows, read from its admin {@code /config_dump} (an address, a saved file, or a port-forward to a
 * ztunnel pod), printed as upstream's tables or as the raw JSON.
 */
@Command(
        name = "ztunnel-config",
        aliases = "zc",
        mixinStandardHelpOptions = true,
        description = "Update or retrieve current Ztunnel configuration.",
        subcommands = {
            ZtunnelConfigCommand.Workloads.class,
            ZtunnelConfigCommand.Services.class,
            ZtunnelConfigCommand.Policies.class,
            ZtunnelConfigCommand.Certificates.class,
            ZtunnelConfigCommand.All.class
        })
public final class ZtunnelConfigCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the config dump comes from, and how to print it. */
    public static final class Source {
        @Mixin
        KubeOptions kube;

        @Option(
                names = "--ztunnel-admin-address",
                description = "host:port of a ztunnel admin server (e.g. localhost:15000)")
        String adminAddress;

        @Option(
                names = {"-f", "--file"},
                description = "Read a saved config dump instead of a running ztunnel")
        Path file;

        @Option(
                names = {"-o", "--output"},
                defaultValue = "short",
                description = "Output format: one of json|short")
        String output;

        @Option(
                names = {"-n", "--namespace"},
                defaultValue = "istio-system",
                description = "Namespace of the ztunnel pods")
        String namespace;

        @Option(names = "--proxy-admin-port", defaultValue = "15000", description = "Ztunnel proxy admin port")
        int adminPort;

        @Parameters(
                arity = "0..1",
                paramLabel = "ZTUNNEL_POD",
                description = "A ztunnel pod (default: any in the namespace)")
        String pod;

        String fetch() {
            if (adminAddress != null) {
                return AdminClient.configDump(adminAddress);
            }
            if (file != null) {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new IstioctlException(Reason.BAD_ARGUMENT, "cannot read " + file + ": " + e.getMessage(), e);
                }
            }
            try (KubernetesClient client = kube.client()) {
                String name = pod;
                try {
                    if (name == null) {
                        List<Pod> pods = client.pods()
                                .inNamespace(namespace)
                                .withLabel("app", "ztunnel")
                                .list()
                                .getItems();
                        if (pods.isEmpty()) {
                            throw new IstioctlException(
                                    Reason.NOT_FOUND, "no ztunnel pod (label app=ztunnel) in namespace " + namespace);
                        }
                        name = pods.getFirst().getMetadata().getName();
                    }
                    try (LocalPortForward pf =
                            client.pods().inNamespace(namespace).withName(name).portForward(adminPort)) {
                        return AdminClient.configDump("localhost:" + pf.getLocalPort());
                    }
                } catch (IOException e) {
                    throw new IstioctlException(
                            Reason.ZTUNNEL_ADMIN_UNREACHABLE,
                            "port-forward to " + namespace + "/" + name + " failed: " + e,
                            e);
                } catch (IstioctlException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw KubeErrors.classify(
                            e,
                            "port-forward to a ztunnel pod",
                            client.getConfiguration().getMasterUrl());
                }
            }
        }
    }

    abstract static class Base implements Runnable, Main.Outputs {
        @Mixin
        Source source;

        PrintStream out = System.out;

        @Override
        public void out(PrintStream out) {
            this.out = out;
        }

        abstract Function<ConfigDump, String> table();

        @Override
        public void run() {
            String json = source.fetch();
            ConfigDump dump = ConfigDump.parse(json);
            switch (source.output) {
                case "json" -> out.println(json);
                case "short" -> out.print(table().apply(dump));
                default ->
                    throw new IstioctlException(
                            Reason.BAD_ARGUMENT, "unknown output format \"" + source.output + "\": use json or short");
            }
        }
    }

    @Command(
            name = "workloads",
            aliases = {"workload", "w"},
            mixinStandardHelpOptions = true,
            description = "Retrieves workload configuration for the specified Ztunnel pod.")
    static final class Workloads extends Base {
        @Override
        Function<ConfigDump, String> table() {
            return DumpTables::workloads;
        }
    }

    @Command(
            name = "services",
            aliases = {"service", "svc", "s"},
            mixinStandardHelpOptions = true,
            description = "Retrieves services configuration for the specified Ztunnel pod.")
    static final class Services extends Base {
        @Override
        Function<ConfigDump, String> table() {
            return DumpTables::services;
        }
    }

    @Command(
            name = "policies",
            aliases = {"policy", "pol", "p"},
            mixinStandardHelpOptions = true,
            description = "Retrieves policies for the specified Ztunnel pod.")
    static final class Policies extends Base {
        @Override
        Function<ConfigDump, String> table() {
            return DumpTables::policies;
        }
    }

    @Command(
            name = "certificates",
            aliases = {"certificate", "certs", "secret", "secrets"},
            mixinStandardHelpOptions = true,
            description = "Retrieves certificate for the specified Ztunnel pod.")
    static final class Certificates extends Base {
        @Override
        Function<ConfigDump, String> table() {
            return d -> DumpTables.certificates(d, Instant.now());
        }
    }

    @Command(
            name = "all",
            mixinStandardHelpOptions = true,
            description =
                    "Retrieves all configuration (workloads, services, policies, certificates) for the Ztunnel pod.")
    static final class All extends Base {
        @Override
        Function<ConfigDump, String> table() {
            return d -> DumpTables.workloads(d) + "\n" + DumpTables.services(d) + "\n" + DumpTables.policies(d) + "\n"
                    + DumpTables.certificates(d, Instant.now());
        }
    }
}
