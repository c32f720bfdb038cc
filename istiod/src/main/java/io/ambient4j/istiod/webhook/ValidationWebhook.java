package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.ops.Metrics;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;

/**
 * istiod's validating admission webhook, {@code POST /validate} on the {@code https-webhooks} port (15017;
 * the {@code istiod} Service maps 443 to it), as the chart's ValidatingWebhookConfigurations
 * {@code istiod-default-validator} and {@code istio-validator-<ns>} call it: AdmissionReview v1 in, the same
 * review with a response out. Counts outcomes under upstream's {@code galley_validation_*} names.
 */
public final class ValidationWebhook {
    /** The path the chart's ValidatingWebhookConfiguration uses. */
    public static final String PATH = "/validate";

    private static final System.Logger LOG = System.getLogger(ValidationWebhook.class.getName());

    private final KubernetesSerialization serialization;
    private final AdmissionDecider decider;
    private final Metrics.Counter passed;
    private final Metrics.Counter failed;
    private final Metrics.Counter httpError;

    public ValidationWebhook(Metrics metrics) {
        this.serialization = new KubernetesSerialization();
        this.decider = new AdmissionDecider(serialization);
        this.passed = metrics.counter("galley_validation_passed", "Resource is valid.", "group", "version", "resource");
        this.failed = metrics.counter(
                "galley_validation_failed", "Resource validation failed.", "group", "version", "resource", "reason");
        this.httpError =
                metrics.counter("galley_validation_http_error", "Resource validation http serve errors.", "status");
    }

    /** Registers {@code POST /validate}. */
    public void routing(HttpRouting.Builder r) {
        r.post(PATH, this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        String contentType =
                req.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
        String body = req.content().as(String.class);
        try {
            if (!contentType.startsWith("application/json")) {
                throw new AdmissionException(
                        AdmissionException.Reason.UNSUPPORTED_MEDIA_TYPE,
                        "invalid Content-Type '" + contentType + "', want application/json");
            }
            String out = serialization.asJson(review(body));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(out);
        } catch (AdmissionException e) {
            httpError.inc(Integer.toString(e.reason().status()));
            LOG.log(System.Logger.Level.WARNING, "admission request refused (" + e.reason() + "): " + e.getMessage());
            res.status(Status.create(e.reason().status())).send(e.getMessage());
        }
    }

    /**
     * Answers one AdmissionReview given as JSON.
     *
     * @throws AdmissionException when the body is not an AdmissionReview with a request and uid
     */
    public AdmissionReview review(String json) {
        AdmissionReview in;
        try {
            in = serialization.unmarshal(json, AdmissionReview.class);
        } catch (RuntimeException e) {
            throw new AdmissionException(
                    AdmissionException.Reason.MALFORMED_REVIEW,
                    "the body is not an AdmissionReview: " + e.getMessage());
        }
        if (in == null || in.getRequest() == null) {
            throw new AdmissionException(
                    AdmissionException.Reason.MALFORMED_REVIEW, "the AdmissionReview has no request");
        }
        AdmissionRequest request = in.getRequest();
        if (request.getUid() == null || request.getUid().isEmpty()) {
            throw new AdmissionException(
                    AdmissionException.Reason.MALFORMED_REVIEW, "the AdmissionReview has no request.uid");
        }
        GroupVersionKind gvk = request.getKind() == null ? new GroupVersionKind() : request.getKind();
        String group = gvk.getGroup() == null ? "" : gvk.getGroup();
        String version = gvk.getVersion() == null ? "" : gvk.getVersion();
        String resource = request.getResource() == null || request.getResource().getResource() == null
                ? gvk.getKind()
                : request.getResource().getResource();
        AdmissionDecider.Decision d = decider.decide(
                group, gvk.getKind(), request.getOperation(), request.getNamespace(), request.getObject());
        AdmissionResponseBuilder response =
                new AdmissionResponseBuilder().withUid(request.getUid()).withAllowed(d.allowed());
        if (d.allowed()) {
            passed.inc(group, version, String.valueOf(resource));
            if (!d.warnings().isEmpty()) {
                response.withWarnings(d.warnings());
            }
        } else {
            failed.inc(group, version, String.valueOf(resource), "invalid_resource");
            response.withStatus(new StatusBuilder().withMessage(d.message()).build());
            LOG.log(
                    System.Logger.Level.INFO,
                    () -> "denied " + gvk.getKind() + " " + request.getNamespace() + "/" + request.getName() + ": "
                            + d.message());
        }
        AdmissionResponse built = response.build();
        return new AdmissionReviewBuilder()
                .withApiVersion("admission.k8s.io/v1")
                .withKind("AdmissionReview")
                .withResponse(built)
                .build();
    }
}
