package io.ambient4j.conformance.cli;

import io.ambient4j.conformance.demo.DemoException;
import io.ambient4j.conformance.demo.HostCheck;
import io.ambient4j.conformance.demo.Narrator;
import io.ambient4j.conformance.demo.ProxyCost;
import io.ambient4j.conformance.demo.ProxyProcesses;
import io.ambient4j.conformance.demo.StepResult;
import io.ambient4j.conformance.demo.Story;
import io.ambient4j.conformance.demo.Teardown;
import io.ambient4j.conformance.mesh.MeshConfig;
import io.ambient4j.conformance.mesh.MeshException;
import io.ambient4j.conformance.mesh.MeshHarness;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code make demo}: the ambient story told on a local mesh, every line of it observed (see the demo package).
 * Exit 0 when every step held, 1 when a step's observation did not, 2 when the machine cannot run it (nothing is
 * created then), 3 when the mesh did not come up. Environment: {@code SIDECAR_RSS_MB} (the per-sidecar figure,
 * default the documented 60 MB), {@code MESH_PREFIX} (default {@code a4jdemo}), {@code DEMO_VERBOSE=1} (harness
 * INFO logs).
 */
public final class Demo {
    static final int STEPS = 10;

    private Demo() {}

    public static void main(String[] args) {
        PrintStream out = System.out;
        // fabric8's mock server pulls in SLF4J without a binding; its "no providers" notice is not part of the story
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        if (!"1".equals(System.getenv("DEMO_VERBOSE"))) {
            // the story is the output; the harness's own progress lines would drown it (components log to files)
            Logger.getLogger("").setLevel(Level.WARNING);
        }
        String prefix = System.getenv().getOrDefault("MESH_PREFIX", "a4jdemo");
        Narrator say = new Narrator(out, STEPS);
        ProxyCost.SidecarFigure sidecar;
        try {
            sidecar = ProxyCost.SidecarFigure.of(System.getenv("SIDECAR_RSS_MB"));
        } catch (DemoException e) {
            System.err.println("demo: " + e.getMessage() + "; nothing was started.");
            System.exit(e.reason().exitCode());
            return;
        }
        out.println("ambient4j demo: a namespace moves from plaintext to ambient mTLS, then L7 through a waypoint, on a"
                + " local mesh (2 nodes, '" + prefix + "')");
        List<StepResult> results = new ArrayList<>();
        say.heading(1, "Preflight: root, network namespaces, iptables");
        List<HostCheck.Finding> findings = HostCheck.run();
        for (HostCheck.Finding f : findings) {
            if (f.ok()) {
                say.seen(f.what() + ": " + f.seen());
            } else {
                say.failed(f.what() + ": " + f.seen());
            }
        }
        if (!HostCheck.allOk(findings)) {
            out.print("\n" + HostCheck.refusal(findings));
            out.flush();
            System.exit(DemoException.Reason.PREFLIGHT.exitCode());
            return;
        }
        results.add(new StepResult(1, "Preflight", true, "root, netns and iptables available"));

        int exit = 0;
        List<Long> ztunnelPids = new ArrayList<>();
        List<Long> waypointPids = new ArrayList<>();
        Instant start = Instant.now();
        say.heading(2, "The local mesh");
        say.doing("starting: API server, 2 node namespaces, istiod, ztunnel and istio-cni agent per node");
        MeshHarness mesh;
        try {
            mesh = MeshHarness.start(MeshConfig.defaults(prefix).withNodes(2).withComponents(null));
        } catch (MeshException e) {
            results.add(new StepResult(2, "The local mesh", false, e.getMessage()));
            say.failed("the local mesh did not start: " + e.getMessage());
            out.print("\n" + StepResult.summary(results, STEPS));
            System.exit(DemoException.Reason.MESH.exitCode());
            return;
        }
        say.seen("up in " + Duration.between(start, Instant.now()).toSeconds() + " s");
        try {
            ProxyProcesses.ztunnels().forEach(z -> ztunnelPids.add(z.pid()));
            new Story(mesh, say, results, sidecar).run();
        } catch (DemoException e) {
            say.failed("step " + e.step() + ": " + e.getMessage());
            results.add(new StepResult(e.step(), title(e.step()), false, e.getMessage()));
            exit = e.reason().exitCode();
        } catch (RuntimeException e) {
            int step = results.size() + 1;
            say.failed("step " + step + ": unexpected " + e);
            results.add(new StepResult(step, title(step), false, e.toString()));
            exit = 1;
        } finally {
            // the waypoint runs only once step 8 created it; read before the close stops it
            ProxyProcesses.waypoints().forEach(w -> waypointPids.add(w.pid()));
            say.heading(STEPS, "Clean up");
            say.doing("closing the mesh: processes, namespaces, iptables rules, cgroups, files");
            mesh.close();
        }
        List<Long> proxyPids = new ArrayList<>(ztunnelPids);
        proxyPids.addAll(waypointPids);
        List<String> left = Teardown.leftovers(prefix, proxyPids);
        if (left.isEmpty()) {
            say.seen("nothing left: no netns " + prefix + "-* (nor /etc/netns/" + prefix + "-*), no /run/ambient4j/"
                    + prefix + ", ztunnels " + ztunnelPids
                    + (waypointPids.isEmpty() ? "" : " and waypoint " + waypointPids)
                    + " gone");
            results.add(new StepResult(STEPS, "Clean up", true, "no namespaces, files or processes left"));
        } else {
            say.failed("left behind: " + left + " (make mesh-down removes them)");
            results.add(new StepResult(STEPS, "Clean up", false, "left behind: " + left));
            exit = exit == 0 ? 1 : exit;
        }
        out.println();
        out.print(StepResult.summary(results, STEPS));
        if (exit != 0 && System.getenv("A4J_LOG_DIR") != null) {
            out.println("component logs: " + System.getenv("A4J_LOG_DIR"));
        }
        out.flush();
        System.exit(exit);
    }

    private static String title(int step) {
        return switch (step) {
            case 1 -> "Preflight";
            case 2 -> "The local mesh";
            case 3 -> "Deploy the sample app";
            case 4 -> "Plaintext call";
            case 5 -> "Enrol the namespace";
            case 6 -> "Mutual TLS";
            case 7 -> "AuthorizationPolicy";
            case 8 -> "Waypoint (L7)";
            case 9 -> "Proxy cost";
            default -> "Clean up";
        };
    }
}
