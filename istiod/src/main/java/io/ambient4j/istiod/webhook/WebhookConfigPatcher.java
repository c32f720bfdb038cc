package io.ambient4j.istiod.webhook;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Makes the chart's ValidatingWebhookConfigurations usable: the chart installs them with no caBundle and
 * {@code failurePolicy: Ignore}, so until istiod patches in the mesh root (which signs the 15017 serving
 * certificate) the API server cannot call the webhook and silently skips validation. Once the webhook serves,
 * this patches {@code caBundle} and switches {@code failurePolicy} to {@code Fail}, for every webhook that
 * targets this istiod's Service; a webhook pointed at a URL ({@code base.validationURL}) is left alone.
 * The root changes with the CA, so {@link #rootChanged()} re-patches.
 */
public final class WebhookConfigPatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebhookConfigPatcher.class.getName());

    private final KubernetesClient client;
    private final String namespace;
    private final String serviceName;
    private final Set<String> configNames;
    private final Supplier<String> rootPem;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private SharedIndexInformer<ValidatingWebhookConfiguration> informer;
    private Thread worker;

    /**
     * @param namespace istiod's namespace
     * @param revision istiod's revision ({@code default} or a name)
     * @param rootPem the current mesh root certificate(s), PEM
     */
    public WebhookConfigPatcher(KubernetesClient client, String namespace, String revision, Supplier<String> rootPem) {
        this.client = client;
        this.namespace = namespace;
        boolean def = revision == null || revision.isEmpty() || "default".equals(revision);
        this.serviceName = def ? "istiod" : "istiod-" + revision;
        this.configNames = def
                ? Set.of("istio-validator-" + namespace, "istiod-default-validator")
                : Set.of("istio-validator-" + revision + "-" + namespace);
        this.rootPem = rootPem;
    }

    /** Starts watching the configurations; patches each as it appears or changes. */
    public WebhookConfigPatcher start() {
        informer = client.admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ValidatingWebhookConfiguration c) {
                offer(c);
            }

            @Override
            public void onUpdate(ValidatingWebhookConfiguration old, ValidatingWebhookConfiguration c) {
                offer(c);
            }

            @Override
            public void onDelete(ValidatingWebhookConfiguration c, boolean unknown) {}
        });
        worker = Thread.ofVirtual().name("webhook-config-patcher").start(this::run);
        informer.start();
        return this;
    }

    /** Re-patches every configuration with the new root. */
    public void rootChanged() {
        configNames.forEach(queue::add);
    }

    private void offer(ValidatingWebhookConfiguration c) {
        if (configNames.contains(c.getMetadata().getName())) {
            queue.add(c.getMetadata().getName());
        }
    }

    private void run() {
        while (true) {
            String name;
            try {
                name = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                patch(name);
            } catch (KubernetesClientException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "cannot patch ValidatingWebhookConfiguration " + name + ": " + e.getMessage());
            }
        }
    }

    private void patch(String name) {
        ValidatingWebhookConfiguration current = client.admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName(name)
                .get();
        if (current == null) {
            return;
        }
        String bundle = Base64.getEncoder().encodeToString(rootPem.get().getBytes(StandardCharsets.US_ASCII));
        if (!patched(current.getWebhooks(), bundle)) {
            return;
        }
        client.resource(current).update();
        LOG.log(
                System.Logger.Level.INFO,
                "patched caBundle and failurePolicy=Fail into ValidatingWebhookConfiguration " + name);
    }

    /** Sets caBundle and failurePolicy on the webhooks that call our Service; true if anything changed. */
    boolean patched(List<ValidatingWebhook> webhooks, String bundle) {
        boolean changed = false;
        for (ValidatingWebhook w : webhooks == null ? List.<ValidatingWebhook>of() : webhooks) {
            ServiceReference svc =
                    w.getClientConfig() == null ? null : w.getClientConfig().getService();
            if (svc == null || !serviceName.equals(svc.getName()) || !namespace.equals(svc.getNamespace())) {
                continue;
            }
            if (!Objects.equals(bundle, w.getClientConfig().getCaBundle())) {
                w.getClientConfig().setCaBundle(bundle);
                changed = true;
            }
            if (!"Fail".equals(w.getFailurePolicy())) {
                w.setFailurePolicy("Fail");
                changed = true;
            }
        }
        return changed;
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.stop();
        }
        if (worker != null) {
            worker.interrupt();
        }
    }
}
