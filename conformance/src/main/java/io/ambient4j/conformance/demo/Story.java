package io.ambient4j.conformance.demo;

import io.ambient4j.conformance.echo.EchoReply;
import io.ambient4j.conformance.kubelet.Kubelet;
import io.ambient4j.conformance.mesh.Manifests;
import io.ambient4j.conformance.mesh.MeshHarness;
import io.ambient4j.conformance.mesh.Sh;
import io.ambient4j.conformance.mesh.Topology;
import io.ambient4j.conformance.scenario.MetricText;
import io.ambient4j.conformance.scenario.Outcome;
import io.ambient4j.conformance.scenario.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Steps 2 to 9 of {@code make demo} on a running local mesh: deploy the sample app, call it in plaintext, enrol
 * the namespace, call it again over ztunnel's mutual TLS, restrict it with an AuthorizationPolicy, put a waypoint
 * (L7) in front of the server and authorize by method and path there, and weigh the proxies' memory. Every claim printed is something read back from the mesh (API objects, the echo app's reply,
 * ztunnel's log files and metrics, {@code /proc}); a claim that does not hold stops the story with a
 * {@link DemoException} naming the step.
 */
public final class Story {
    static final String TRUST_DOMAIN = "cluster.local";
    static final String REDIRECTION = "ambient.istio.io/redirection";
    static final String DATAPLANE_MODE = "istio.io/dataplane-mode";
    static final String USE_WAYPOINT = "istio.io/use-waypoint";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private final MeshHarness mesh;
    private final KubernetesClient client;
    private final Narrator say;
    private final List<StepResult> results;
    private final Probe probe;
    private final ZtunnelLogs logs;
    private final List<String> nodes;
    private final String clientNode;
    private final String serverNode;
    private final ProxyCost.SidecarFigure sidecar;
    private final DemoPods demoPods;

    public Story(MeshHarness mesh, Narrator say, List<StepResult> results, ProxyCost.SidecarFigure sidecar) {
        this.mesh = mesh;
        this.client = mesh.client();
        this.say = say;
        this.results = results;
        this.probe = new Probe(mesh.executor());
        this.nodes =
                mesh.topology().nodes().stream().map(Topology.NodePlan::name).toList();
        this.logs = new ZtunnelLogs(mesh.runDir(), nodes);
        this.clientNode = nodes.getFirst();
        this.serverNode = nodes.getLast();
        this.sidecar = sidecar;
        this.demoPods = new DemoPods(client, mesh.topology());
    }

    /** Runs steps 2..9; each appends its result or throws. */
    public void run() {
        meshUp();
        Map<String, DemoPods.PodView> pods = deploy();
        plaintext(pods);
        enrol(pods);
        mutualTls(pods);
        policy(pods);
        waypoint(pods);
        cost(pods);
    }

    private void meshUp() {
        int step = 2;
        say.seen("API server " + mesh.api().url() + " (kubeconfig " + mesh.api().kubeconfig() + ")");
        for (Topology.NodePlan n : mesh.topology().nodes()) {
            say.seen(n.name() + ": netns " + n.netns() + ", node IP " + n.nodeIp() + ", pods from " + n.podCidr());
        }
        Map<String, String> down = mesh.unavailableComponents();
        for (String c : List.of("istiod", "ztunnel", "cni")) {
            if (down.containsKey(c)) {
                throw fail(DemoException.Reason.MESH, step, c + " is not running: " + down.get(c));
            }
        }
        if (down.containsKey("waypoint")) {
            // the kubelet would run the echo app for step 8's waypoint pod: say so now, not three steps later
            throw fail(DemoException.Reason.MESH, step, "step 8 needs the waypoint: " + down.get("waypoint"));
        }
        List<ProxyProcesses.Ztunnel> z = ProxyProcesses.ztunnels();
        if (z.size() != nodes.size()) {
            throw fail(DemoException.Reason.MESH, step, "expected one ztunnel per node, found " + z.size() + ": " + z);
        }
        say.seen("istiod ready in " + mesh.topology().underlayNetns() + "; on every node a ztunnel and an istio-cni"
                + " agent ready (ztunnel pids "
                + z.stream().map(x -> x.node() + "=" + x.pid()).toList() + ")");
        pass(step, "The local mesh", nodes.size() + " nodes; istiod, " + z.size() + " ztunnels, cni agents ready");
    }

    private Map<String, DemoPods.PodView> deploy() {
        int step = 3;
        say.heading(step, "Deploy the sample app in namespace " + SampleApp.NAMESPACE + " (not enrolled)");
        say.doing("kubectl apply: namespace demo, ServiceAccounts client/other/server, Deployments client and other"
                + " on " + clientNode + ", server on " + serverNode + ", Service server (80 -> http, 9090 -> tcp)");
        Manifests.apply(client, SampleApp.manifests(clientNode, serverNode));
        Map<String, DemoPods.PodView> pods =
                Await.await(step, "the three pods Running and Ready", Duration.ofSeconds(60), () -> {
                    Map<String, DemoPods.PodView> m = new LinkedHashMap<>();
                    for (String w : SampleApp.WORKLOADS) {
                        Optional<DemoPods.PodView> p = demoPods.readyPod(w);
                        if (p.isEmpty()) {
                            return Optional.empty();
                        }
                        m.put(w, p.get());
                    }
                    return Optional.of(m);
                });
        for (DemoPods.PodView p : pods.values()) {
            say.seen(String.format(
                    Locale.ROOT,
                    "pod %-28s sa %-7s on %s  IP %-12s netns %s",
                    p.name(),
                    p.serviceAccount(),
                    p.node(),
                    p.ip(),
                    p.netns()));
        }
        expect(
                step,
                pods.get(SampleApp.CLIENT).node().equals(clientNode)
                        && pods.get(SampleApp.OTHER).node().equals(clientNode)
                        && pods.get(SampleApp.SERVER).node().equals(serverNode),
                "callers on " + clientNode + " and server on " + serverNode + ", got " + pods.values());
        String vip = client.services()
                .inNamespace(SampleApp.NAMESPACE)
                .withName(SampleApp.SERVER)
                .get()
                .getSpec()
                .getClusterIP();
        say.seen("Service server.demo has ClusterIP " + vip);
        pass(step, "Deploy the sample app", "3 pods, 3 ServiceAccounts, Service server at " + vip);
        return pods;
    }

    private void plaintext(Map<String, DemoPods.PodView> pods) {
        int step = 4;
        String title = "Plaintext: client -> " + SampleApp.URL;
        say.heading(step, title);
        DemoPods.PodView c = pods.get(SampleApp.CLIENT);
        for (DemoPods.PodView p : pods.values()) {
            expect(step, demoPods.annotation(p.name(), REDIRECTION) == null, p.name() + " already has " + REDIRECTION);
        }
        say.seen("no pod carries " + REDIRECTION + " (the namespace has no " + DATAPLANE_MODE + " label)");
        Map<String, Long> mark = logs.mark();
        say.doing("ip netns exec " + c.netns() + " curl " + SampleApp.URL);
        EchoReply.Parsed reply = call(step, c, Duration.ofSeconds(10));
        say.seen("HTTP 200 from Hostname=" + reply.field("Hostname") + ", the server saw IP=" + reply.field("IP"));
        expect(step, reply.field("Hostname").startsWith(SampleApp.SERVER + "-"), "the reply is not from a server pod");
        expect(step, c.ip().equals(reply.field("IP")), "the server saw " + reply.field("IP") + ", not " + c.ip());
        // the access log entry of a connection is written when it ends; ours has ended, give the files a moment
        Await.pause(Duration.ofSeconds(1));
        int entries = 0;
        for (String n : nodes) {
            entries += logs.since(mark, n).size();
        }
        expect(step, entries == 0, entries + " ztunnel access-log entries appeared for a plaintext call");
        double opened = 0;
        for (String n : nodes) {
            opened += metricSum(
                    step, n, "istio_tcp_connections_opened", Map.of("destination_workload_namespace", "demo"));
        }
        expect(step, opened == 0, "ztunnel counted " + opened + " connections to namespace demo");
        say.seen("no ztunnel saw it: 0 new access-log entries in "
                + logs.file(clientNode).getFileName() + " and "
                + logs.file(serverNode).getFileName() + ", istio_tcp_connections_opened_total"
                + "{destination_workload_namespace=\"demo\"} = 0 on every node");
        pass(
                step,
                "Plaintext call",
                "200 from " + reply.field("Hostname") + ", source " + c.ip() + ", no ztunnel involved");
    }

    private void enrol(Map<String, DemoPods.PodView> pods) {
        int step = 5;
        say.heading(step, "Enrol: label namespace demo " + DATAPLANE_MODE + "=ambient");
        say.doing("kubectl label namespace demo " + DATAPLANE_MODE + "=ambient");
        Instant start = Instant.now();
        client.namespaces().withName(SampleApp.NAMESPACE).edit(ns -> {
            Map<String, String> labels = new LinkedHashMap<>(
                    ns.getMetadata().getLabels() == null
                            ? Map.of()
                            : ns.getMetadata().getLabels());
            labels.put(DATAPLANE_MODE, "ambient");
            ns.getMetadata().setLabels(labels);
            return ns;
        });
        Await.await(
                step,
                "every pod annotated " + REDIRECTION + "=enabled",
                CONVERGE,
                () -> pods.values().stream().allMatch(p -> "enabled".equals(demoPods.annotation(p.name(), REDIRECTION)))
                        ? Optional.of(true)
                        : Optional.empty());
        long ms = Duration.between(start, Instant.now()).toMillis();
        say.seen("all 3 pods carry " + REDIRECTION + "=enabled, " + ms + " ms after the label");
        for (Map.Entry<String, DemoPods.PodView> e : pods.entrySet()) {
            DemoPods.PodView before = e.getValue();
            DemoPods.PodView now = demoPods.readyPod(e.getKey())
                    .orElseThrow(() -> fail(DemoException.Reason.OBSERVATION, step, before.name() + " is gone"));
            expect(
                    step,
                    now.name().equals(before.name()) && now.uid().equals(before.uid()),
                    before.name() + " was replaced by " + now.name());
            expect(
                    step,
                    now.netnsInode() == before.netnsInode() && now.ip().equals(before.ip()),
                    before.name() + " has a new network namespace or IP");
            Optional<Kubelet.RealisedPod> r = mesh.kubelet().realised(SampleApp.NAMESPACE, before.name());
            expect(
                    step,
                    r.isPresent() && r.get().uid().equals(before.uid()),
                    "the kubelet re-created " + before.name());
        }
        say.seen("no pod was restarted: same names, UIDs, IPs and network namespaces (inode) as before the label");
        DemoPods.PodView c = pods.get(SampleApp.CLIENT);
        String nat = Sh.run(Sh.inNetns(c.netns(), "iptables-save", "-t", "nat"), null);
        expect(
                step,
                nat.contains("--to-ports 15001") && nat.contains("--to-ports 15006"),
                "no redirection to 15001/15006 in " + c.netns());
        long rules = nat.lines().filter(l -> l.startsWith("-A ")).count();
        say.seen("inside " + c.name() + "'s own namespace the agent installed " + rules
                + " nat rules (outbound -> ztunnel 15001, inbound -> 15006)");
        pass(step, "Enrol the namespace", "annotated in " + ms + " ms, 0 pods restarted");
    }

    private void mutualTls(Map<String, DemoPods.PodView> pods) {
        int step = 6;
        say.heading(step, "The same call, now carried by ztunnel over mutual TLS (HBONE)");
        DemoPods.PodView c = pods.get(SampleApp.CLIENT);
        String clientId = SampleApp.spiffe(TRUST_DOMAIN, SampleApp.CLIENT);
        String serverId = SampleApp.spiffe(TRUST_DOMAIN, SampleApp.SERVER);
        Map<String, Long> mark = logs.mark();
        say.doing("ip netns exec " + c.netns() + " curl " + SampleApp.URL);
        EchoReply.Parsed reply = call(step, c, CONVERGE);
        say.seen("HTTP 200 from Hostname=" + reply.field("Hostname") + "; the server still saw IP=" + reply.field("IP")
                + " (the client pod's own address)");
        expect(step, c.ip().equals(reply.field("IP")), "the server saw " + reply.field("IP") + ", not " + c.ip());
        AccessLogLine out = Await.await(
                step,
                "an outbound entry in " + clientNode + "'s ztunnel log",
                Duration.ofSeconds(10),
                () -> entry(mark, clientNode, "outbound", c.ip(), clientId));
        AccessLogLine in = Await.await(
                step,
                "an inbound entry in " + serverNode + "'s ztunnel log",
                Duration.ofSeconds(10),
                () -> entry(mark, serverNode, "inbound", c.ip(), clientId));
        expect(
                step,
                serverId.equals(out.field("dst.identity")) && serverId.equals(in.field("dst.identity")),
                "dst.identity is " + out.field("dst.identity") + " / " + in.field("dst.identity") + ", not "
                        + serverId);
        say.seen("ztunnel on " + clientNode + " (" + logs.file(clientNode).getFileName() + "):");
        say.detail(Shown.describe(out));
        say.seen("ztunnel on " + serverNode + " (" + logs.file(serverNode).getFileName() + "):");
        say.detail(Shown.describe(in));
        Map<String, String> labels = Map.of(
                "reporter", "destination",
                "connection_security_policy", "mutual_tls",
                "source_principal", clientId);
        List<MetricText.Sample> samples = Await.await(
                step,
                "the destination ztunnel's connection metric",
                Duration.ofSeconds(10),
                () -> positive(metricSamples(step, serverNode, "istio_tcp_connections_opened", labels)));
        double opened = samples.stream().mapToDouble(MetricText.Sample::value).sum();
        say.seen("ztunnel on " + serverNode + ", GET :15020/metrics (inside "
                + mesh.topology().node(serverNode).netns() + "):");
        samples.forEach(x -> say.detail(Shown.describe(x, Shown.METRIC_KEYS)));
        pass(
                step,
                "Mutual TLS",
                clientId.substring("spiffe://".length()) + " -> " + serverId.substring("spiffe://".length())
                        + ", source IP kept, opened_total " + Shown.fmt(opened));
    }

    private void policy(Map<String, DemoPods.PodView> pods) {
        int step = 7;
        say.heading(step, "AuthorizationPolicy: only the client's identity may reach the server");
        DemoPods.PodView c = pods.get(SampleApp.CLIENT);
        DemoPods.PodView o = pods.get(SampleApp.OTHER);
        String otherId = SampleApp.spiffe(TRUST_DOMAIN, SampleApp.OTHER);
        String yaml = SampleApp.allowOnlyClient(TRUST_DOMAIN);
        say.doing("kubectl apply -f - <<EOF\n" + yaml.strip() + "\nEOF");
        Map<String, Long> applied = logs.mark();
        Instant at = Instant.now();
        Manifests.apply(client, yaml);
        Outcome first = Await.await(step, "a call from 'other' to be denied", CONVERGE, () -> {
            Outcome r = probe.run(o.netns(), SampleApp.URL, "GET", Map.of(), null, CALL_TIMEOUT);
            return Shown.isDenied(r) ? Optional.of(r) : Optional.empty();
        });
        long ms = Duration.between(at, Instant.now()).toMillis();
        say.seen("other (sa other) -> server: denied " + ms + " ms after the apply: " + first.describe());
        expect(
                step,
                logs.since(applied, serverNode).stream()
                        .noneMatch(e -> e.failed() && !otherId.equals(e.field("src.identity"))),
                "a caller other than 'other' was refused");
        // a fresh connection, so the log entry and the counter below are this call's and not an in-flight one's
        Map<String, String> labels =
                Map.of("reporter", "destination", "source_principal", otherId, "response_flags", "DENY");
        double before = metricSum(step, serverNode, "istio_tcp_connections_failed", labels);
        Map<String, Long> mark = logs.mark();
        Outcome again = probe.run(o.netns(), SampleApp.URL, "GET", Map.of(), null, CALL_TIMEOUT);
        expect(step, Shown.isDenied(again), "a new call from 'other' was not denied: " + again.describe());
        say.seen("other -> server again, on a new connection: denied: " + again.describe());
        EchoReply.Parsed ok = call(step, c, Duration.ofSeconds(10));
        say.seen("client (sa client) -> server: still HTTP 200 from " + ok.field("Hostname"));
        AccessLogLine deny = Await.await(
                step,
                "the denial in " + serverNode + "'s ztunnel log",
                Duration.ofSeconds(10),
                () -> logs.since(mark, serverNode).stream()
                        .filter(AccessLogLine::failed)
                        .filter(e -> otherId.equals(e.field("src.identity")))
                        .findFirst());
        say.seen("ztunnel on " + serverNode + " logged the refusal of that connection:");
        say.detail(Shown.describe(deny));
        List<MetricText.Sample> failed =
                Await.await(step, "the denial counted in " + serverNode + "'s metrics", Duration.ofSeconds(10), () -> {
                    List<MetricText.Sample> now =
                            metricSamples(step, serverNode, "istio_tcp_connections_failed", labels);
                    return now.stream().mapToDouble(MetricText.Sample::value).sum() > before
                            ? Optional.of(now)
                            : Optional.empty();
                });
        say.seen("and counted it (" + Shown.fmt(before) + " before the call):");
        failed.forEach(x -> say.detail(Shown.describe(x, Shown.METRIC_KEYS)));
        pass(step, "AuthorizationPolicy", "client allowed; other denied (" + again.error() + "), logged and counted");
    }

    private void waypoint(Map<String, DemoPods.PodView> pods) {
        int step = 8;
        say.heading(step, "Add a waypoint (L7) for Service server");
        DemoPods.PodView c = pods.get(SampleApp.CLIENT);
        DemoPods.PodView o = pods.get(SampleApp.OTHER);
        String clientId = SampleApp.spiffe(TRUST_DOMAIN, SampleApp.CLIENT);
        String waypointId = SampleApp.spiffe(TRUST_DOMAIN, SampleApp.WAYPOINT);
        String gateway = SampleApp.waypointGateway();
        say.doing("istioctl waypoint apply -n demo --for service, i.e. kubectl apply -f - <<EOF\n" + gateway.strip()
                + "\nEOF");
        Manifests.apply(client, gateway);
        DemoPods.PodView w = Await.await(
                step,
                "the waypoint pod (istiod's Deployment for Gateway " + SampleApp.WAYPOINT + ") Running and Ready",
                Duration.ofSeconds(60),
                () -> demoPods.readyWaypoint(SampleApp.WAYPOINT));
        expect(
                step,
                SampleApp.WAYPOINT.equals(w.serviceAccount()),
                "the waypoint pod runs as sa " + w.serviceAccount() + ", not " + SampleApp.WAYPOINT);
        Optional<ProxyProcesses.Waypoint> process = ProxyProcesses.waypoints().stream()
                .filter(x -> x.pod().equals(w.name()))
                .findFirst();
        expect(step, process.isPresent(), "no io.ambient4j.waypoint.Main process runs for pod " + w.name());
        say.seen(String.format(
                Locale.ROOT,
                "pod %s sa %s on %s  IP %s: io.ambient4j.waypoint.Main, pid %d",
                w.name(),
                w.serviceAccount(),
                w.node(),
                w.ip(),
                process.get().pid()));
        Outcome ready = Await.await(step, "the waypoint's :15021/healthz/ready answer 200", CONVERGE, () -> {
            Outcome r =
                    probe.run(w.netns(), "http://127.0.0.1:15021/healthz/ready", "GET", Map.of(), null, CALL_TIMEOUT);
            return r.error() == null && r.status() != null && r.status() == 200 ? Optional.of(r) : Optional.empty();
        });
        say.seen("GET :15021/healthz/ready inside " + w.netns() + ": " + ready.describe() + " "
                + ready.body().strip() + " (certificate held, every xDS type answered)");

        // The server's ztunnel will see the waypoint's identity, not the caller's (spec 7.3): admit the waypoint
        // before binding, drop the caller-based rule after, so no call in between is refused.
        String allowWaypoint = SampleApp.allowOnlyWaypoint(TRUST_DOMAIN);
        say.doing("kubectl apply -f - <<EOF\n" + allowWaypoint.strip() + "\nEOF");
        Manifests.apply(client, allowWaypoint);
        long wpMark = new WaypointLog(mesh.runDir(), SampleApp.NAMESPACE, w.name()).mark();
        say.doing("kubectl label service server -n demo " + USE_WAYPOINT + "=" + SampleApp.WAYPOINT);
        client.services()
                .inNamespace(SampleApp.NAMESPACE)
                .withName(SampleApp.SERVER)
                .edit(svc -> {
                    Map<String, String> labels = new LinkedHashMap<>(
                            svc.getMetadata().getLabels() == null
                                    ? Map.of()
                                    : svc.getMetadata().getLabels());
                    labels.put(USE_WAYPOINT, SampleApp.WAYPOINT);
                    svc.getMetadata().setLabels(labels);
                    return svc;
                });
        Await.await(step, "Service server's condition istio.io/WaypointBound=True", CONVERGE, () -> {
            var svc = client.services()
                    .inNamespace(SampleApp.NAMESPACE)
                    .withName(SampleApp.SERVER)
                    .get();
            return svc.getStatus() != null
                            && svc.getStatus().getConditions() != null
                            && svc.getStatus().getConditions().stream()
                                    .anyMatch(x -> "istio.io/WaypointBound".equals(x.getType())
                                            && "True".equals(x.getStatus()))
                    ? Optional.of(true)
                    : Optional.empty();
        });
        say.seen("istiod set condition istio.io/WaypointBound=True on Service server");
        say.doing("kubectl delete authorizationpolicy allow-client -n demo");
        Manifests.parse(SampleApp.allowOnlyClient(TRUST_DOMAIN))
                .forEach(h -> client.resource(h).delete());
        Map<String, Long> mark = logs.mark();
        say.doing("ip netns exec " + c.netns() + " curl " + SampleApp.URL);
        Outcome viaWaypoint = Await.await(step, "a 200 that the waypoint processed (X-Request-Id)", CONVERGE, () -> {
            Outcome r = probe.run(c.netns(), SampleApp.URL, "GET", Map.of(), null, CALL_TIMEOUT);
            return r.status() != null
                            && r.status() == 200
                            && EchoReply.parse(r.body()).headers().containsKey("x-request-id")
                    ? Optional.of(r)
                    : Optional.empty();
        });
        EchoReply.Parsed reply = EchoReply.parse(viaWaypoint.body());
        say.seen("HTTP 200 from Hostname=" + reply.field("Hostname") + "; the server saw X-Request-Id="
                + reply.headers().get("x-request-id").getFirst() + " (added by the waypoint) and IP="
                + reply.field("IP") + " (the waypoint's)");
        expect(step, w.ip().equals(reply.field("IP")), "the server saw " + reply.field("IP") + ", not the waypoint");
        WaypointLog wpLog = new WaypointLog(mesh.runDir(), SampleApp.NAMESPACE, w.name());
        AccessLogLine request = Await.await(
                step,
                "the call in the waypoint's access log",
                Duration.ofSeconds(10),
                () -> wpLog.requestsSince(wpMark).stream()
                        .filter(e -> "200".equals(e.field("status")))
                        .filter(e -> clientId.equals(e.field("src.identity")))
                        .findFirst());
        say.seen("waypoint " + w.name() + " (" + wpLog.file().getFileName() + "):");
        say.detail(describeRequest(request));
        AccessLogLine hop = Await.await(
                step,
                "an inbound entry from the waypoint in " + serverNode + "'s ztunnel log",
                Duration.ofSeconds(10),
                () -> entry(mark, serverNode, "inbound", w.ip(), waypointId));
        say.seen("ztunnel on " + serverNode + " saw the waypoint's identity, not the client's (so the workload policy"
                + " now admits only " + waypointId.substring("spiffe://".length()) + "):");
        say.detail(Shown.describe(hop));
        Map<String, String> ok = Map.of("reporter", "waypoint", "source_principal", clientId, "response_code", "200");
        List<MetricText.Sample> served = Await.await(
                step,
                "the request counted in the waypoint's istio_requests_total",
                Duration.ofSeconds(10),
                () -> positive(waypointSamples(step, w, "istio_requests_total", ok)));
        say.seen("waypoint GET :15020/stats/prometheus (inside " + w.netns() + "):");
        served.forEach(x -> say.detail(Shown.describe(x, REQUEST_KEYS)));

        String l7 = SampleApp.l7AllowClientGet(TRUST_DOMAIN);
        Map<String, String> forbidden = Map.of("reporter", "waypoint", "response_code", "403");
        double before = waypointSamples(step, w, "istio_requests_total", forbidden).stream()
                .mapToDouble(MetricText.Sample::value)
                .sum();
        say.doing("kubectl apply -f - <<EOF\n" + l7.strip() + "\nEOF");
        Manifests.apply(client, l7);
        String admin = "http://server.demo/admin";
        String allowed = "http://server.demo/allowed";
        say.doing("ip netns exec " + c.netns() + " curl " + admin);
        Outcome denied = Await.await(step, "GET /admin refused by the waypoint with 403", CONVERGE, () -> {
            Outcome r = probe.run(c.netns(), admin, "GET", Map.of(), null, CALL_TIMEOUT);
            return r.status() != null && r.status() == 403 ? Optional.of(r) : Optional.empty();
        });
        String body = denied.body().strip();
        say.seen("client GET /admin: HTTP 403, body \"" + body + "\"");
        expect(step, body.equals("RBAC: access denied"), "the 403's body is \"" + body + "\", not the waypoint's");
        say.doing("ip netns exec " + c.netns() + " curl " + allowed);
        Outcome fine = probe.run(c.netns(), allowed, "GET", Map.of(), null, CALL_TIMEOUT);
        expect(
                step,
                fine.status() != null && fine.status() == 200,
                "client GET /allowed: " + fine.describe() + ", not 200");
        EchoReply.Parsed fineReply = EchoReply.parse(fine.body());
        expect(step, "/allowed".equals(fineReply.field("URL")), "the server saw URL=" + fineReply.field("URL"));
        say.seen("client GET /allowed: HTTP 200 from " + fineReply.field("Hostname") + " (URL=/allowed)");
        Outcome otherCall = probe.run(o.netns(), allowed, "GET", Map.of(), null, CALL_TIMEOUT);
        expect(
                step,
                otherCall.status() != null && otherCall.status() == 403,
                "other GET /allowed: " + otherCall.describe() + ", not 403 (the rule names the client's identity)");
        say.seen("other GET /allowed: HTTP 403, body \"" + otherCall.body().strip()
                + "\" (the rule names the client's identity)");
        List<MetricText.Sample> refused = Await.await(
                step, "the 403s counted in the waypoint's istio_requests_total", Duration.ofSeconds(10), () -> {
                    List<MetricText.Sample> now = waypointSamples(step, w, "istio_requests_total", forbidden);
                    return now.stream().mapToDouble(MetricText.Sample::value).sum() >= before + 2
                            ? Optional.of(now)
                            : Optional.empty();
                });
        AccessLogLine refusal = Await.await(
                step,
                "the 403 for GET /admin in the waypoint's access log",
                Duration.ofSeconds(10),
                () -> wpLog.requestsSince(wpMark).stream()
                        .filter(e -> "403".equals(e.field("status")) && "/admin".equals(e.field("path")))
                        .filter(e -> clientId.equals(e.field("src.identity")))
                        .findFirst());
        say.seen("the waypoint logged the refusal:");
        say.detail(describeRequest(refusal));
        say.seen("and counted the 403s (" + Shown.fmt(before) + " before the policy):");
        refused.forEach(x -> say.detail(Shown.describe(x, REQUEST_KEYS)));
        pass(
                step,
                "Waypoint (L7)",
                "calls via " + w.name() + " (x-request-id, logged, counted); GET /allowed 200, /admin 403 " + body);
    }

    /** The labels of the waypoint's request metric the story shows. */
    private static final List<String> REQUEST_KEYS = List.of(
            "reporter",
            "source_workload",
            "source_principal",
            "destination_service",
            "destination_workload",
            "response_code",
            "connection_security_policy");

    private static String describeRequest(AccessLogLine e) {
        StringBuilder b = new StringBuilder(e.event());
        for (String k : List.of(
                "method", "path", "status", "src.addr", "src.identity", "dst.service", "dst.workload", "upstream")) {
            if (e.fields().containsKey(k)) {
                b.append(k.equals("src.addr") ? "\n" : " ")
                        .append(k)
                        .append('=')
                        .append(e.field(k));
            }
        }
        return b.toString();
    }

    private List<MetricText.Sample> waypointSamples(
            int step, DemoPods.PodView w, String name, Map<String, String> labels) {
        Outcome r =
                probe.run(w.netns(), "http://127.0.0.1:15020/stats/prometheus", "GET", Map.of(), null, CALL_TIMEOUT);
        if (r.error() != null || r.status() == null || r.status() != 200) {
            throw fail(DemoException.Reason.OBSERVATION, step, "waypoint :15020/stats/prometheus: " + r.describe());
        }
        return MetricText.matching(MetricText.parse(r.body()), name, labels);
    }

    private void cost(Map<String, DemoPods.PodView> pods) {
        int step = 9;
        say.heading(step, "Per-node proxy cost: ztunnel (measured) vs one sidecar per pod");
        List<ProxyProcesses.Ztunnel> z = ProxyProcesses.ztunnels();
        expect(step, z.size() == nodes.size(), "expected one ztunnel per node, found " + z);
        List<ProxyCost.Node> rows = new ArrayList<>();
        for (ProxyProcesses.Ztunnel t : z) {
            int n = (int) pods.values().stream()
                    .filter(p -> p.node().equals(t.node()))
                    .count();
            rows.add(new ProxyCost.Node(t.node(), t.rssKb(), n));
            say.seen("ztunnel on " + t.node() + ": pid " + t.pid() + ", VmRSS " + t.rssKb() + " kB (/proc/" + t.pid()
                    + "/status)");
        }
        ProxyCost.Comparison cmp = new ProxyCost.Comparison(rows, sidecar);
        say.detail("sidecar figure: " + ProxyCost.fmt(sidecar.megabytes()) + " MB per pod, from " + sidecar.source());
        say.raw(Shown.indent(cmp.render(), "      "));
        // the L7 proxy of step 8 is per namespace (or service account), not per pod or node: shown on its own
        List<ProxyProcesses.Waypoint> wps = ProxyProcesses.waypoints();
        expect(step, wps.size() == 1, "expected the one waypoint of step 8, found " + wps);
        ProxyProcesses.Waypoint wp = wps.getFirst();
        say.seen("waypoint " + wp.pod() + ": pid " + wp.pid() + ", VmRSS " + wp.rssKb() + " kB (/proc/" + wp.pid()
                + "/status); one for Service server, shared by all its callers, not one per pod");
        double waypointMb = ProxyCost.megabytes(wp.rssKb());
        pass(
                step,
                "Proxy cost",
                "ztunnels " + ProxyCost.fmt(cmp.ambientTotalMb()) + " MB (+ waypoint " + ProxyCost.fmt(waypointMb)
                        + " MB) vs sidecars " + ProxyCost.fmt(cmp.sidecarTotalMb()) + " MB for " + cmp.totalPods()
                        + " pods");
    }

    // ---------------------------------------------------------------- helpers

    private Optional<AccessLogLine> entry(
            Map<String, Long> mark, String node, String direction, String srcIp, String srcIdentity) {
        return logs.since(mark, node).stream()
                .filter(e -> !e.failed())
                .filter(e -> direction.equals(e.field("direction")))
                .filter(e -> srcIp.equals(e.sourceIp()))
                .filter(e -> srcIdentity.equals(e.field("src.identity")))
                .findFirst();
    }

    private EchoReply.Parsed call(int step, DemoPods.PodView from, Duration within) {
        Outcome r = Await.await(step, "HTTP 200 from " + SampleApp.URL, within, () -> {
            Outcome o = probe.run(from.netns(), SampleApp.URL, "GET", Map.of(), null, CALL_TIMEOUT);
            return o.error() == null && o.status() != null && o.status() == 200 ? Optional.of(o) : Optional.empty();
        });
        return EchoReply.parse(r.body());
    }

    private static Optional<List<MetricText.Sample>> positive(List<MetricText.Sample> samples) {
        return samples.stream().mapToDouble(MetricText.Sample::value).sum() > 0
                ? Optional.of(samples)
                : Optional.empty();
    }

    private double metricSum(int step, String node, String name, Map<String, String> labels) {
        return metricSamples(step, node, name, labels).stream()
                .mapToDouble(MetricText.Sample::value)
                .sum();
    }

    private List<MetricText.Sample> metricSamples(int step, String node, String name, Map<String, String> labels) {
        Outcome r = probe.run(
                mesh.topology().node(node).netns(),
                "http://127.0.0.1:15020/metrics",
                "GET",
                Map.of(),
                null,
                CALL_TIMEOUT);
        if (r.error() != null || r.status() == null || r.status() != 200) {
            throw fail(DemoException.Reason.OBSERVATION, step, node + " ztunnel :15020/metrics: " + r.describe());
        }
        return MetricText.matching(MetricText.parse(r.body()), name, labels);
    }

    private void expect(int step, boolean holds, String otherwise) {
        if (!holds) {
            throw fail(DemoException.Reason.OBSERVATION, step, otherwise);
        }
    }

    private DemoException fail(DemoException.Reason reason, int step, String message) {
        return new DemoException(reason, step, message);
    }

    private void pass(int step, String title, String observed) {
        results.add(new StepResult(step, title, true, observed));
    }
}
