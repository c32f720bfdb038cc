package io.ambient4j.istioctl.ztunnelconfig;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Fetches {@code /config_dump} from a ztunnel admin server (port 15000 in the pod, or a forwarded port). */
public final class AdminClient {
    private AdminClient() {}

    public static String configDump(String hostPort) {
        if (!hostPort.matches("[^:/]+:[0-9]{1,5}|\\[[0-9a-fA-F:]+]:[0-9]{1,5}")) {
            throw new IstioctlException(
                    Reason.BAD_ARGUMENT,
                    "--ztunnel-admin-address " + hostPort + ": expected host:port, e.g. localhost:15000");
        }
        URI uri = URI.create("http://" + hostPort + "/config_dump");
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IstioctlException(
                        Reason.ZTUNNEL_ADMIN_UNREACHABLE,
                        "the ztunnel admin server at " + hostPort + " answered " + r.statusCode()
                                + " for /config_dump");
            }
            return r.body();
        } catch (IOException e) {
            throw new IstioctlException(
                    Reason.ZTUNNEL_ADMIN_UNREACHABLE,
                    "cannot reach the ztunnel admin server at " + hostPort + " (" + e + "). Is ztunnel running, and"
                            + " is its admin port (15000) forwarded there? (kubectl port-forward -n istio-system"
                            + " ds/ztunnel 15000)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IstioctlException(Reason.ZTUNNEL_ADMIN_UNREACHABLE, "interrupted while reading " + uri, e);
        }
    }
}
