package io.ambient4j.conformance.demo;

import java.util.List;

/**
 * The demo's application, as the YAML a user would {@code kubectl apply}: namespace {@value #NAMESPACE} (not
 * enrolled), a {@code server} Deployment (the echo app, on {@code serverNode}) behind Service {@code server}, and
 * two callers with their own ServiceAccounts, {@code client} and {@code other}, on {@code clientNode}, so their
 * traffic crosses nodes and both ztunnels take part once the namespace is enrolled.
 */
public final class SampleApp {
    public static final String NAMESPACE = "demo";
    public static final String SERVER = "server";
    public static final String CLIENT = "client";
    public static final String OTHER = "other";
    /** The Deployments, each with a ServiceAccount of the same name. */
    public static final List<String> WORKLOADS = List.of(CLIENT, OTHER, SERVER);
    /** What the callers ask for: the Service name, resolved by the pod's own DNS. */
    public static final String URL = "http://server.demo/";

    private SampleApp() {}

    /** The whole app (pure). */
    public static String manifests(String clientNode, String serverNode) {
        StringBuilder b = new StringBuilder();
        b.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ")
                .append(NAMESPACE)
                .append('\n');
        for (String sa : WORKLOADS) {
            b.append("---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ")
                    .append(sa)
                    .append(", namespace: ")
                    .append(NAMESPACE)
                    .append("}\n");
        }
        b.append(deployment(CLIENT, clientNode, "[{name: http, containerPort: 18080}]"));
        b.append(deployment(OTHER, clientNode, "[{name: http, containerPort: 18080}]"));
        b.append(deployment(
                SERVER, serverNode, "[{name: http, containerPort: 18080}, {name: tcp, containerPort: 19090}]"));
        b.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: ")
                .append(SERVER)
                .append(", namespace: ")
                .append(NAMESPACE)
                .append("}\nspec:\n  selector: {app: ")
                .append(SERVER)
                .append("}\n  ports:\n")
                .append("    - {name: http, port: 80, targetPort: http}\n")
                .append("    - {name: tcp, port: 9090, targetPort: tcp}\n");
        return b.toString();
    }

    private static String deployment(String name, String node, String ports) {
        return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + NAMESPACE
                + "}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: " + name + "}}\n  template:\n"
                + "    metadata: {labels: {app: " + name + ", version: v1}}\n    spec:\n"
                + "      serviceAccountName: " + name + "\n"
                + "      nodeSelector: {kubernetes.io/hostname: " + node + "}\n"
                + "      containers: [{name: app, image: echo, ports: " + ports + "}]\n";
    }

    /** The L4 policy of step 7 (replaced by {@link #allowOnlyWaypoint} in step 8): only {@code client}'s identity may reach the server. */
    public static String allowOnlyClient(String trustDomain) {
        return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-client, namespace: "
                + NAMESPACE + "}\nspec:\n  selector: {matchLabels: {app: " + SERVER + "}}\n  action: ALLOW\n"
                + "  rules:\n    - from: [{source: {principals: [\"" + principal(trustDomain, CLIENT) + "\"]}}]\n";
    }

    /** The waypoint's name: istioctl's default, also the ServiceAccount istiod renders for it. */
    public static final String WAYPOINT = "waypoint";
    /** The paths step 8's L7 policy allows ({@code /allowed} and everything below it). */
    public static final String ALLOWED_PATHS = "/allowed*";

    /**
     * The Gateway {@code istioctl waypoint apply -n demo --for service} creates (istioctl's {@code Waypoints.gateway},
     * which conformance does not depend on): class {@code istio-waypoint}, one listener {@code mesh} on 15008 speaking
     * HBONE, label {@code istio.io/waypoint-for: service} (pure).
     */
    public static String waypointGateway() {
        return "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: " + WAYPOINT
                + "\n  namespace: " + NAMESPACE + "\n  labels: {istio.io/waypoint-for: service}\nspec:\n"
                + "  gatewayClassName: istio-waypoint\n  listeners: [{name: mesh, port: 15008, protocol: HBONE}]\n";
    }

    /**
     * Step 8's workload policy: once Service {@code server} uses the waypoint, the server's ztunnel sees the
     * waypoint's identity rather than the caller's (spec 7.3), so the L4 rule admits the waypoint only and the
     * callers' identities are judged at L7 (pure).
     */
    public static String allowOnlyWaypoint(String trustDomain) {
        return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-waypoint,"
                + " namespace: " + NAMESPACE + "}\nspec:\n  selector: {matchLabels: {app: " + SERVER + "}}\n"
                + "  action: ALLOW\n  rules:\n    - from: [{source: {principals: [\""
                + principal(trustDomain, WAYPOINT) + "\"]}}]\n";
    }

    /**
     * Step 8's L7 policy, attached to the waypoint Gateway ({@code targetRefs}): the client's identity may GET
     * {@value #ALLOWED_PATHS}; anything else gets the waypoint's 403 (pure).
     */
    public static String l7AllowClientGet(String trustDomain) {
        return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: l7-allow-get,"
                + " namespace: " + NAMESPACE + "}\nspec:\n"
                + "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: " + WAYPOINT + "}]\n"
                + "  action: ALLOW\n  rules:\n    - from: [{source: {principals: [\""
                + principal(trustDomain, CLIENT) + "\"]}}]\n"
                + "      to: [{operation: {methods: [GET], paths: [\"" + ALLOWED_PATHS + "\"]}}]\n";
    }

    /** {@code <trust domain>/ns/demo/sa/<sa>}, the form AuthorizationPolicy principals take. */
    public static String principal(String trustDomain, String serviceAccount) {
        return trustDomain + "/ns/" + NAMESPACE + "/sa/" + serviceAccount;
    }

    /** The SPIFFE URI a workload of {@code serviceAccount} gets, as ztunnel logs and labels it. */
    public static String spiffe(String trustDomain, String serviceAccount) {
        return "spiffe://" + principal(trustDomain, serviceAccount);
    }
}
