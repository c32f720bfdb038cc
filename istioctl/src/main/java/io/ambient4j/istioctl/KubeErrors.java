package io.ambient4j.istioctl;

import io.ambient4j.istioctl.IstioctlException.Reason;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;

/**
 * Turns what fabric8 throws into messages a person understands: no cluster, no permission, or the
 * API server's own message. One place, so every command words these the same way.
 */
public final class KubeErrors {
    private KubeErrors() {}

    /**
     * Classifies a failure of {@code action} (e.g. "create Deployment istio-system/istiod") against
     * the API server at {@code server}.
     */
    public static IstioctlException classify(RuntimeException e, String action, String server) {
        if (e instanceof IstioctlException ie) {
            return ie;
        }
        if (isUnreachable(e)) {
            boolean noKubeconfig = server != null
                    && server.contains("kubernetes.default.svc")
                    && System.getenv("KUBERNETES_SERVICE_HOST") == null;
            return new IstioctlException(
                    Reason.CLUSTER_UNREACHABLE,
                    "cannot reach the Kubernetes API server at " + server + " (" + rootMessage(e) + "). "
                            + (noKubeconfig
                                    ? "No kubeconfig was found: set KUBECONFIG or pass --kubeconfig."
                                    : "Check that the cluster is running and that your kubeconfig's current context"
                                            + " points at it (kubectl config current-context)."),
                    e);
        }
        if (e instanceof KubernetesClientException kce) {
            if (kce.getCode() == 403) {
                return new IstioctlException(
                        Reason.FORBIDDEN,
                        "permission denied: the API server refused to " + action + " (403 Forbidden: "
                                + serverMessage(kce) + "). Installing Istio needs cluster-admin rights"
                                + " (create CRDs, ClusterRoles, webhooks).",
                        e);
            }
            if (kce.getCode() == 401) {
                return new IstioctlException(
                        Reason.FORBIDDEN,
                        "not authenticated: the API server refused to " + action
                                + " (401 Unauthorized). Your kubeconfig credentials are missing or expired.",
                        e);
            }
            return new IstioctlException(
                    Reason.KUBE_API_ERROR,
                    "failed to " + action + ": " + (kce.getCode() > 0 ? kce.getCode() + " " : "") + serverMessage(kce),
                    e);
        }
        return new IstioctlException(Reason.KUBE_API_ERROR, "failed to " + action + ": " + rootMessage(e), e);
    }

    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof HttpConnectTimeoutException) {
                return true;
            }
            if (t instanceof IOException
                    && t.getMessage() != null
                    && t.getMessage().contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    private static String serverMessage(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
