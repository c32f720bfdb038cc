package io.ambient4j.charts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The few API-server answers `helm upgrade` needs, on 127.0.0.1: the server version, discovery for
 * the kinds the charts render, the release history Secrets of one namespace, and accepting writes
 * (recorded, so a test reads what Helm applied). Every other GET is a 404 (the object does not
 * exist yet), recorded so a failing test shows what Helm asked for. (fabric8's mock server answers without a Content-Type, which
 * Helm's protobuf-preferring client cannot decode.)
 */
final class FakeApiServer implements AutoCloseable {
    private final HttpServer server;
    private final String namespace;
    private final String releaseSecretJson;
    final List<String> unanswered = new CopyOnWriteArrayList<>();
    /** Bodies of the objects Helm created or replaced, in order. */
    final List<String> written = new CopyOnWriteArrayList<>();

    FakeApiServer(String namespace, String releaseSecretJson) {
        this.namespace = namespace;
        this.releaseSecretJson = releaseSecretJson;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body;
        int status = 200;
        if (path.equals("/version")) {
            body = "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\",\"platform\":\"linux/amd64\"}";
        } else if (path.equals("/api")) {
            body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
        } else if (path.equals("/apis")) {
            body = groupList();
        } else if (resourceList(path) != null) {
            body = resourceList(path);
        } else if (path.equals("/api/v1/namespaces/" + namespace + "/secrets")
                && ex.getRequestMethod().equals("GET")) {
            body = "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":["
                    + releaseSecretJson + "]}";
        } else if (ex.getRequestMethod().equals("POST") || ex.getRequestMethod().equals("PUT")) {
            // accept every write and echo it back, the way the API server returns the stored object
            String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
            byte[] request = ex.getRequestBody().readAllBytes();
            if (type.contains("protobuf")) {
                // Helm's release storage writes its Secrets as protobuf; answer with an empty Secret
                body = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{}}";
            } else {
                body = new String(request, StandardCharsets.UTF_8);
                written.add(body);
            }
            status = ex.getRequestMethod().equals("POST") ? 201 : 200;
        } else {
            unanswered.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            status = 404;
            body =
                    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** group/version -> resources as plural:Kind:namespaced; what the four charts render. */
    private static final Map<String, List<String>> DISCOVERY = new LinkedHashMap<>();

    static {
        DISCOVERY.put(
                "v1",
                List.of(
                        "secrets:Secret:true",
                        "serviceaccounts:ServiceAccount:true",
                        "configmaps:ConfigMap:true",
                        "services:Service:true",
                        "resourcequotas:ResourceQuota:true"));
        DISCOVERY.put("apps/v1", List.of("deployments:Deployment:true", "daemonsets:DaemonSet:true"));
        DISCOVERY.put(
                "rbac.authorization.k8s.io/v1",
                List.of(
                        "clusterroles:ClusterRole:false",
                        "clusterrolebindings:ClusterRoleBinding:false",
                        "roles:Role:true",
                        "rolebindings:RoleBinding:true"));
        DISCOVERY.put(
                "admissionregistration.k8s.io/v1",
                List.of(
                        "validatingwebhookconfigurations:ValidatingWebhookConfiguration:false",
                        "mutatingwebhookconfigurations:MutatingWebhookConfiguration:false",
                        "validatingadmissionpolicies:ValidatingAdmissionPolicy:false",
                        "validatingadmissionpolicybindings:ValidatingAdmissionPolicyBinding:false"));
        DISCOVERY.put("apiextensions.k8s.io/v1", List.of("customresourcedefinitions:CustomResourceDefinition:false"));
        DISCOVERY.put("autoscaling/v2", List.of("horizontalpodautoscalers:HorizontalPodAutoscaler:true"));
        DISCOVERY.put("policy/v1", List.of("poddisruptionbudgets:PodDisruptionBudget:true"));
        DISCOVERY.put("networking.k8s.io/v1", List.of("networkpolicies:NetworkPolicy:true"));
    }

    private static String groupList() {
        StringBuilder sb = new StringBuilder("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
        String sep = "";
        for (String gv : DISCOVERY.keySet()) {
            if (!gv.contains("/")) {
                continue;
            }
            String group = gv.substring(0, gv.indexOf('/'));
            String version =
                    "{\"groupVersion\":\"" + gv + "\",\"version\":\"" + gv.substring(gv.indexOf('/') + 1) + "\"}";
            sb.append(sep)
                    .append("{\"name\":\"")
                    .append(group)
                    .append("\",\"versions\":[")
                    .append(version)
                    .append("],\"preferredVersion\":")
                    .append(version)
                    .append('}');
            sep = ",";
        }
        return sb.append("]}").toString();
    }

    /** The APIResourceList for /api/v1 or /apis/{group}/{version}, or null if not a discovery path. */
    private static String resourceList(String path) {
        String gv =
                path.equals("/api/v1") ? "v1" : path.startsWith("/apis/") ? path.substring("/apis/".length()) : null;
        List<String> resources = gv == null ? null : DISCOVERY.get(gv);
        if (resources == null) {
            return null;
        }
        StringBuilder sb =
                new StringBuilder("{\"kind\":\"APIResourceList\",\"groupVersion\":\"" + gv + "\",\"resources\":[");
        String sep = "";
        for (String r : resources) {
            String[] p = r.split(":");
            sb.append(sep)
                    .append("{\"name\":\"")
                    .append(p[0])
                    .append("\",\"singularName\":\"\",\"namespaced\":")
                    .append(p[2])
                    .append(",\"kind\":\"")
                    .append(p[1])
                    .append("\",\"verbs\":[\"get\",\"list\",\"create\",\"update\",\"patch\",\"delete\"]}");
            sep = ",";
        }
        return sb.append("]}").toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
