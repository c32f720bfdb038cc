package io.ambient4j.istioctl.install;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.ambient4j.istioctl.KubeOptions;
import io.ambient4j.istioctl.Main;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code istioctl install}: renders the bundled charts (base → istiod → cni → ztunnel) with the user's
 * profile and values, applies them to the current cluster, waits until the workloads are ready.
 */
@Command(
        name = "install",
        aliases = "apply",
        mixinStandardHelpOptions = true,
        description = "Applies an Istio manifest, installing or reconfiguring Istio on a cluster.")
public final class InstallCommand implements Runnable, Main.Outputs {
    @Mixin
    KubeOptions kube;

    @Option(
            names = {"-s", "--set"},
            description = "Override an IstioOperator value, e.g. --set profile=ambient or --set values.global.hub=...")
    List<String> sets = new ArrayList<>();

    @Option(
            names = {"-f", "--filename"},
            description = "Path to an IstioOperator YAML file (repeatable; later files win, --set wins over files)")
    List<Path> files = new ArrayList<>();

    @Option(
            names = {"-y", "--skip-confirmation"},
            description = "Do not ask for confirmation")
    boolean skipConfirmation;

    @Option(names = "--dry-run", description = "Render and list the objects, apply nothing")
    boolean dryRun;

    @Option(
            names = "--readiness-timeout",
            defaultValue = "300s",
            converter = DurationConverter.class,
            description = "Maximum time to wait for the workloads to become ready (e.g. 300s, 5m)")
    Duration readinessTimeout;

    @Option(
            names = "--charts",
            hidden = true,
            description = "Render charts from this directory instead of the bundled ones")
    Path chartsDir;

    PrintStream out = System.out;

    @Override
    public void out(PrintStream out) {
        this.out = out;
    }

    @Override
    public void run() {
        try (BundledCharts charts =
                chartsDir != null ? BundledCharts.fromDirectory(chartsDir) : BundledCharts.extract()) {
            InstallSpec spec = InstallSpec.build(files, sets, charts, ValuesSchema.load(charts));
            Installer.Plan plan = Installer.Plan.render(spec, new Renderer(charts));
            if (dryRun) {
                for (Map.Entry<Component, List<HasMetadata>> e : plan.objects().entrySet()) {
                    for (HasMetadata o : e.getValue()) {
                        out.println(e.getKey().dir + "\t" + Renderer.ref(o));
                    }
                }
                out.println("Dry run: " + plan.size() + " objects rendered, nothing applied.");
                return;
            }
            if (!skipConfirmation && !confirm(spec)) {
                out.println("Cancelled.");
                return;
            }
            try (KubernetesClient client = kube.client()) {
                Installer.Result r = new Installer(client, out).install(plan, readinessTimeout);
                StringBuilder sb = new StringBuilder("Applied ");
                r.applied()
                        .forEach(
                                (c, n) -> sb.append(n).append(" ").append(c.dir).append(", "));
                sb.setLength(sb.length() - 2);
                out.println(sb + " objects to namespace " + spec.namespace() + " (profile " + spec.profile() + ") in "
                        + r.elapsed().toMillis() + " ms.");
                if (spec.components().contains(Component.ZTUNNEL)) {
                    out.println("Next: kubectl label namespace <namespace> istio.io/dataplane-mode=ambient");
                }
            }
        }
    }

    private boolean confirm(InstallSpec spec) {
        out.print("This will install the Istio profile \"" + spec.profile() + "\" (" + spec.components()
                + ") into the cluster. Proceed? (y/N) ");
        out.flush();
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line != null && (line.equalsIgnoreCase("y") || line.equalsIgnoreCase("yes"));
        } catch (IOException e) {
            throw new IstioctlException(Reason.BAD_ARGUMENT, "cannot read the confirmation: " + e.getMessage(), e);
        }
    }
}
