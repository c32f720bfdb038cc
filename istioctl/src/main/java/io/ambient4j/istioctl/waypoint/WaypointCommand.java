package io.ambient4j.istioctl.waypoint;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.ambient4j.istioctl.KubeApply;
import io.ambient4j.istioctl.KubeErrors;
import io.ambient4j.istioctl.KubeOptions;
import io.ambient4j.istioctl.Main;
import io.ambient4j.istioctl.Table;
import io.ambient4j.istioctl.YamlText;
import io.ambient4j.istioctl.install.DurationConverter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code istioctl waypoint generate|apply|list|delete}: declares waypoints as Gateway API Gateways of
 * class istio-waypoint (istiod's deployment controller then creates the proxy) and optionally binds
 * the namespace to one with {@code istio.io/use-waypoint}.
 */
@Command(
        name = "waypoint",
        mixinStandardHelpOptions = true,
        description = "Manage waypoint configuration",
        subcommands = {
            WaypointCommand.Generate.class,
            WaypointCommand.Apply.class,
            WaypointCommand.ListCmd.class,
            WaypointCommand.Delete.class
        })
public final class WaypointCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Flags every waypoint sub-command takes. */
    public static final class Common {
        @Mixin
        KubeOptions kube;

        @Option(
                names = {"-n", "--namespace"},
                description = "Namespace (default: the kubeconfig context's, else default)")
        String namespace;

        @Option(names = "--name", defaultValue = Waypoints.DEFAULT_NAME, description = "name of the waypoint")
        String name;

        String namespaceOrDefault(KubernetesClient client) {
            if (namespace != null && !namespace.isEmpty()) {
                return namespace;
            }
            String ns = client.getNamespace();
            return ns == null || ns.isEmpty() ? "default" : ns;
        }
    }

    abstract static class Base implements Runnable, Main.Outputs {
        @Mixin
        Common common;

        PrintStream out = System.out;

        @Override
        public void out(PrintStream out) {
            this.out = out;
        }

        String server(KubernetesClient c) {
            return c.getConfiguration().getMasterUrl();
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a waypoint configuration")
    static final class Generate extends Base {
        @Option(names = "--for", description = "Traffic type for the waypoint: [all none service workload]")
        String forType;

        @Option(
                names = {"-r", "--revision"},
                description = "The revision to label the waypoint with")
        String revision;

        @Override
        public void run() {
            GenericKubernetesResource gw = Waypoints.gateway(common.name, common.namespace, forType, revision);
            out.print(YamlText.of(new KubernetesSerialization().convertValue(gw, Map.class)));
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, description = "Apply a waypoint configuration")
    static final class Apply extends Base {
        @Option(names = "--for", description = "Traffic type for the waypoint: [all none service workload]")
        String forType;

        @Option(
                names = {"-r", "--revision"},
                description = "The revision to label the waypoint with")
        String revision;

        @Option(
                names = "--enroll-namespace",
                description = "If set, the namespace will be labeled with the waypoint name")
        boolean enrollNamespace;

        @Option(names = "--overwrite", description = "Overwrite the existing Waypoint used by the namespace")
        boolean overwrite;

        @Option(
                names = {"-w", "--wait"},
                description = "Wait for the waypoint to be ready")
        boolean waitReady;

        @Option(
                names = "--waypoint-timeout",
                defaultValue = "90s",
                converter = DurationConverter.class,
                description = "Timeout for waiting for waypoint ready")
        Duration timeout;

        @Override
        public void run() {
            try (KubernetesClient client = common.kube.client()) {
                String ns = common.namespaceOrDefault(client);
                GenericKubernetesResource gw = Waypoints.gateway(common.name, ns, forType, revision);
                Namespace nsObj;
                try {
                    nsObj = client.namespaces().withName(ns).get();
                } catch (RuntimeException e) {
                    throw KubeErrors.classify(e, "read Namespace " + ns, server(client));
                }
                if (nsObj == null) {
                    throw new IstioctlException(Reason.NOT_FOUND, "namespace " + ns + " not found");
                }
                Map<String, String> nsLabels = nsObj.getMetadata().getLabels() == null
                        ? Map.of()
                        : nsObj.getMetadata().getLabels();
                if (enrollNamespace) {
                    String current = nsLabels.get(Waypoints.LABEL_USE_WAYPOINT);
                    if (!overwrite && current != null && !current.isEmpty()) {
                        out.println(
                                "⚠️ Warning: namespace (" + ns + ") already has an enrolled Waypoint. Consider adding"
                                        + " the `--overwrite` flag to your apply command.");
                        return;
                    }
                    if (!"ambient".equals(nsLabels.get(Waypoints.LABEL_DATAPLANE_MODE))) {
                        out.println("⚠️ Warning: namespace is not enrolled in ambient. Consider running\t"
                                + "`kubectl label namespace " + ns + " istio.io/dataplane-mode=ambient`");
                    }
                }
                try {
                    KubeApply.apply(
                            client.genericKubernetesResources(Waypoints.GATEWAYS)
                                    .inNamespace(ns)
                                    .resource(gw),
                            gw);
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        throw new IstioctlException(
                                Reason.MISSING_CRDS,
                                "missing Kubernetes Gateway CRDs need to be installed before applying a waypoint: "
                                        + e.getMessage(),
                                e);
                    }
                    throw KubeErrors.classify(
                            e, "apply Gateway " + ns + "/" + gw.getMetadata().getName(), server(client));
                } catch (RuntimeException e) {
                    throw KubeErrors.classify(
                            e, "apply Gateway " + ns + "/" + gw.getMetadata().getName(), server(client));
                }
                out.println("✅ waypoint " + ns + "/" + gw.getMetadata().getName() + " applied");
                if (waitReady) {
                    awaitProgrammed(client, ns, gw.getMetadata().getName());
                    out.println("✅ waypoint " + ns + "/" + gw.getMetadata().getName() + " is ready!");
                }
                if (enrollNamespace) {
                    try {
                        client.namespaces().withName(ns).edit(n -> {
                            n.getMetadata().getLabels();
                            if (n.getMetadata().getLabels() == null) {
                                n.getMetadata().setLabels(new java.util.LinkedHashMap<>());
                            }
                            n.getMetadata()
                                    .getLabels()
                                    .put(
                                            Waypoints.LABEL_USE_WAYPOINT,
                                            gw.getMetadata().getName());
                            return n;
                        });
                    } catch (RuntimeException e) {
                        throw KubeErrors.classify(e, "label Namespace " + ns, server(client));
                    }
                    out.println("✅ namespace " + ns + " labeled with \"" + Waypoints.LABEL_USE_WAYPOINT + ": "
                            + gw.getMetadata().getName() + "\"");
                }
            }
        }

        private void awaitProgrammed(KubernetesClient client, String ns, String name) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                GenericKubernetesResource live = client.genericKubernetesResources(Waypoints.GATEWAYS)
                        .inNamespace(ns)
                        .withName(name)
                        .get();
                if (live != null && "True".equals(Waypoints.programmed(live))) {
                    return;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IstioctlException(
                            Reason.NOT_READY,
                            "timed out while waiting for waypoint " + ns + "/" + name
                                    + " to be programmed (is istiod running with PILOT_ENABLE_AMBIENT?)");
                }
                LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List managed waypoint configurations")
    static final class ListCmd extends Base {
        @Option(
                names = {"-A", "--all-namespaces"},
                description = "List all waypoints in all namespaces")
        boolean allNamespaces;

        @Override
        public void run() {
            try (KubernetesClient client = common.kube.client()) {
                List<GenericKubernetesResource> gws;
                try {
                    var op = client.genericKubernetesResources(Waypoints.GATEWAYS);
                    gws = allNamespaces
                            ? op.inAnyNamespace().list().getItems()
                            : op.inNamespace(common.namespaceOrDefault(client))
                                    .list()
                                    .getItems();
                } catch (RuntimeException e) {
                    throw KubeErrors.classify(e, "list Gateways", server(client));
                }
                List<GenericKubernetesResource> waypoints = gws.stream()
                        .filter(g -> Waypoints.GATEWAY_CLASS.equals(Waypoints.gatewayClass(g)))
                        .sorted(Comparator.comparing((GenericKubernetesResource g) ->
                                        g.getMetadata().getNamespace())
                                .thenComparing(g -> g.getMetadata().getName()))
                        .toList();
                if (waypoints.isEmpty()) {
                    out.println("No waypoints found.");
                    return;
                }
                Table t = allNamespaces
                        ? new Table("NAMESPACE", "NAME", "REVISION", "TRAFFIC TYPE", "PROGRAMMED")
                        : new Table("NAME", "REVISION", "TRAFFIC TYPE", "PROGRAMMED");
                for (GenericKubernetesResource g : waypoints) {
                    Map<String, String> labels = g.getMetadata().getLabels() == null
                            ? Map.of()
                            : g.getMetadata().getLabels();
                    String rev = labels.getOrDefault(Waypoints.LABEL_REV, "default");
                    String type = labels.getOrDefault(Waypoints.LABEL_WAYPOINT_FOR, "none");
                    List<String> row = new ArrayList<>();
                    if (allNamespaces) {
                        row.add(g.getMetadata().getNamespace());
                    }
                    row.addAll(List.of(g.getMetadata().getName(), rev, type, Waypoints.programmed(g)));
                    t.row(row.toArray(String[]::new));
                }
                out.print(t.render());
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a waypoint configuration")
    static final class Delete extends Base {
        @Parameters(arity = "0..*", paramLabel = "NAME", description = "Waypoints to delete")
        List<String> names = new ArrayList<>();

        @Option(names = "--all", description = "Delete all waypoints in the namespace")
        boolean all;

        @Option(
                names = {"-r", "--revision"},
                description = "Delete the waypoints of this revision")
        String revision;

        @Override
        public void run() {
            if (all && !names.isEmpty()) {
                throw new IstioctlException(
                        Reason.BAD_ARGUMENT, "cannot specify waypoint names when deleting all waypoints");
            }
            try (KubernetesClient client = common.kube.client()) {
                String ns = common.namespaceOrDefault(client);
                var op = client.genericKubernetesResources(Waypoints.GATEWAYS).inNamespace(ns);
                List<GenericKubernetesResource> gws;
                try {
                    gws = op.list().getItems().stream()
                            .filter(g -> Waypoints.GATEWAY_CLASS.equals(Waypoints.gatewayClass(g)))
                            .toList();
                } catch (RuntimeException e) {
                    throw KubeErrors.classify(e, "list Gateways in " + ns, server(client));
                }
                List<String> targets = new ArrayList<>();
                if (all || revision != null) {
                    gws.stream()
                            .filter(g -> revision == null
                                    || g.getMetadata().getLabels() != null
                                            && revision.equals(
                                                    g.getMetadata().getLabels().get(Waypoints.LABEL_REV)))
                            .forEach(g -> targets.add(g.getMetadata().getName()));
                } else {
                    List<String> wanted = names.isEmpty() ? List.of(common.name) : names;
                    for (String n : wanted) {
                        if (gws.stream().anyMatch(g -> g.getMetadata().getName().equals(n))) {
                            targets.add(n);
                        } else {
                            out.println("waypoint " + ns + "/" + n + " not found");
                        }
                    }
                }
                for (String n : targets) {
                    try {
                        op.withName(n).delete();
                    } catch (RuntimeException e) {
                        throw KubeErrors.classify(e, "delete Gateway " + ns + "/" + n, server(client));
                    }
                    out.println("waypoint " + ns + "/" + n + " deleted");
                }
            }
        }
    }
}
