package io.ambient4j.istioctl.install;

import io.ambient4j.istioctl.KubeOptions;
import io.ambient4j.istioctl.Main;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code istioctl uninstall}: deletes what {@code install} creates (all four charts, rendered with the
 * same values), in reverse order. The CRDs stay unless {@code --purge}, like Helm's resource-policy keep.
 */
@Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Uninstall Istio from a cluster.")
public final class UninstallCommand implements Runnable, Main.Outputs {
    @Mixin
    KubeOptions kube;

    @Option(
            names = {"-s", "--set"},
            description = "The values the install used (namespace, revision, ...)")
    List<String> sets = new ArrayList<>();

    @Option(
            names = {"-f", "--filename"},
            description = "The IstioOperator file the install used")
    List<Path> files = new ArrayList<>();

    @Option(names = "--purge", description = "Also delete the Istio CRDs (and so every Istio resource)")
    boolean purge;

    @Option(
            names = {"-y", "--skip-confirmation"},
            description = "Do not ask for confirmation (accepted; uninstall does not ask)")
    boolean skipConfirmation;

    @Option(names = "--charts", hidden = true)
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
            List<String> all = new ArrayList<>(sets);
            // everything install could have created, whatever profile it used
            for (Component c : Component.INSTALL_ORDER) {
                all.add("components." + c.specName + ".enabled=true");
            }
            InstallSpec spec = InstallSpec.build(files, all, charts, ValuesSchema.load(charts));
            Installer.Plan plan = Installer.Plan.render(spec, new Renderer(charts));
            try (KubernetesClient client = kube.client()) {
                new Installer(client, out).uninstall(plan, purge);
            }
        }
    }
}
