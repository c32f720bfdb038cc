package io.ambient4j.istioctl;

import io.ambient4j.istioctl.install.InstallCommand;
import io.ambient4j.istioctl.install.UninstallCommand;
import io.ambient4j.istioctl.precheck.ExperimentalCommand;
import io.ambient4j.istioctl.waypoint.WaypointCommand;
import io.ambient4j.istioctl.ztunnelconfig.ZtunnelConfigCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * istioctl for ambient4j: the verbs an ambient user needs, with upstream's names and flags. Wired by
 * hand here (no reflection framework): the root command, its sub-commands, and one place that turns
 * an {@link IstioctlException} into "Error: ..." and exit code 1.
 */
@Command(
        name = "istioctl",
        mixinStandardHelpOptions = true,
        version = "ambient4j istioctl 0.1.0",
        description = "Istio configuration command line utility (ambient4j).",
        subcommands = {
            InstallCommand.class,
            UninstallCommand.class,
            WaypointCommand.class,
            ZtunnelConfigCommand.class,
            ExperimentalCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, null));
    }

    /**
     * Runs one command line; {@code client} replaces the kubeconfig's cluster (tests), null for the real one.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Supplier<KubernetesClient> client) {
        CommandLine cl = new CommandLine(new Main(), new Factory(client, out));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            if (ex instanceof IstioctlException ie) {
                err.println("Error: " + ie.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /** Gives each command the output stream and, in tests, the client to use. */
    record Factory(Supplier<KubernetesClient> client, PrintStream out) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            K k = CommandLine.defaultFactory().create(cls);
            if (k instanceof KubeOptions ko) {
                ko.clientSupplier = client;
            }
            if (k instanceof Outputs o) {
                o.out(out);
            }
            return k;
        }
    }

    /** Commands that print to the run's output stream. */
    public interface Outputs {
        void out(PrintStream out);
    }
}
