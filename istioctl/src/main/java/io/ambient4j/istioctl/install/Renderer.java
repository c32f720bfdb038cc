package io.ambient4j.istioctl.install;

import com.marcnuri.helm.Helm;
import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders one chart with Helm itself (helm-java, in process, offline) and parses the objects in the
 * order Helm emits them, which is Helm's install order (CRDs and RBAC before workloads, webhooks last).
 * Namespaced objects without a namespace get the install namespace, as {@code helm install} would.
 */
public final class Renderer {
    private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private final BundledCharts charts;

    public Renderer(BundledCharts charts) {
        this.charts = charts;
    }

    public List<HasMetadata> render(Component c, InstallSpec spec) {
        Path valuesFile = null;
        try {
            valuesFile = Files.createTempFile("istioctl-values-" + c.dir + "-", ".yaml");
            Files.writeString(valuesFile, Yaml.dump(spec.chartValues().get(c)));
            String out;
            try {
                out = new Helm(charts.chart(c))
                        .template()
                        .withName(c.release)
                        .withNamespace(spec.namespace())
                        .withValuesFile(valuesFile)
                        .call();
            } catch (RuntimeException e) {
                throw new IstioctlException(
                        Reason.RENDER_FAILED, "rendering the " + c.dir + " chart failed: " + e.getMessage(), e);
            }
            return parse(out, spec.namespace());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (valuesFile != null) {
                try {
                    Files.deleteIfExists(valuesFile);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    static List<HasMetadata> parse(String manifest, String namespace) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : DOC_SEPARATOR.split(manifest)) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            HasMetadata o = Yaml.SERIALIZATION.unmarshal(doc, HasMetadata.class);
            if (o == null) {
                continue;
            }
            if (o instanceof Namespaced && o.getMetadata().getNamespace() == null) {
                o.getMetadata().setNamespace(namespace);
            }
            out.add(o);
        }
        return out;
    }

    /** "Kind/namespace/name" (or "Kind/name" for cluster objects), the way progress lines name objects. */
    public static String ref(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return o.getKind() + "/" + (ns == null ? "" : ns + "/")
                + o.getMetadata().getName();
    }
}
