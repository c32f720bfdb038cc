package io.ambient4j.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.UpgradeCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Runs a real `helm upgrade` of a chart over an already installed release, so templates see
 * .Release.IsUpgrade. `helm template` cannot set that flag, and helm-java's dry-run output has no
 * manifest; so Helm upgrades against {@link FakeApiServer}, which records what Helm applies.
 */
final class HelmUpgrade {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private HelmUpgrade() {}

    /** A deployed revision 1 of the release, as the Secret Helm's storage driver writes (JSON). */
    static String installedReleaseSecret(Chart chart, String namespace) {
        String release = """
                {"name":"%s","namespace":"%s","version":1,
                 "info":{"status":"deployed","first_deployed":"2026-01-01T00:00:00Z","last_deployed":"2026-01-01T00:00:00Z"},
                 "chart":{"metadata":{"apiVersion":"v2","name":"%s","version":"1.0.0","appVersion":"1.0.0"}},
                 "config":{},"manifest":""}
                """.formatted(chart.release, namespace, chart.chartName);
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName("sh.helm.release.v1." + chart.release + ".v1")
                .withNamespace(namespace)
                .addToLabels("name", chart.release)
                .addToLabels("owner", "helm")
                .addToLabels("status", "deployed")
                .addToLabels("version", "1")
                .endMetadata()
                .withType("helm.sh/release.v1")
                // Secret data is base64 on the wire; Helm's own payload is base64(gzip(json)) inside it.
                .addToData("release", base64(base64(gzip(release)).getBytes(StandardCharsets.US_ASCII)))
                .build();
        return SERIALIZATION.asJson(secret);
    }

    /**
     * `helm upgrade` of an installed release, with the given --set values, against {@link FakeApiServer};
     * the objects Helm applied (the release Secrets it writes are left out).
     */
    static Manifest render(Chart chart, String namespace, String... sets) {
        try (FakeApiServer api = new FakeApiServer(namespace, installedReleaseSecret(chart, namespace))) {
            UpgradeCommand cmd = new Helm(chart.path())
                    .upgrade()
                    .withName(chart.release)
                    .withNamespace(namespace)
                    .withKubeConfigContents(kubeconfig(api.url()))
                    .disableOpenApiValidation();
            for (String kv : sets) {
                String[] p = kv.split("=", 2);
                cmd = cmd.set(p[0], p[1]);
            }
            try {
                cmd.call();
            } catch (RuntimeException e) {
                throw new IllegalStateException(e.getMessage() + "; unanswered API calls: " + api.unanswered, e);
            }
            List<HasMetadata> applied = api.written.stream()
                    .map(json -> SERIALIZATION.unmarshal(json, HasMetadata.class))
                    .filter(o -> !(o instanceof Secret s && "helm.sh/release.v1".equals(s.getType())))
                    .toList();
            return new Manifest(applied, String.join("\n---\n", api.written));
        }
    }

    static String kubeconfig(String url) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock}
                current-context: mock
                users:
                - name: mock
                  user: {token: test}
                """.formatted(url);
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] gzip(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
