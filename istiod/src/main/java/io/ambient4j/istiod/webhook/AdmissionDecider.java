package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The pure admission decision for one object: parse it into the typed model, refuse unknown fields, run
 * the kind's validator. Kinds of the Istio groups this port does not model (VirtualService, Telemetry, ...)
 * are allowed with a warning rather than refused, so installing ambient4j never blocks configuration it
 * merely does not read.
 */
public final class AdmissionDecider {
    /** The outcome; {@code message} lists every violation, one {@code field: problem} per line. */
    public record Decision(boolean allowed, String message, List<Violation> violations, List<String> warnings) {
        public Decision {
            violations = List.copyOf(violations);
            warnings = List.copyOf(warnings);
        }

        static Decision allow(List<String> warnings) {
            return new Decision(true, "", List.of(), warnings);
        }

        static Decision deny(String prefix, List<Violation> violations) {
            String joined = String.join(
                    "; ", violations.stream().map(Violation::toString).toList());
            return new Decision(false, prefix + joined, violations, List.of());
        }
    }

    private record Kind<T extends HasMetadata>(
            String group, String kind, Class<T> type, BiFunction<T, String, List<Violation>> validator) {}

    private static final List<Kind<?>> KINDS = List.of(
            new Kind<>(
                    "security.istio.io",
                    "AuthorizationPolicy",
                    AuthorizationPolicy.class,
                    (o, ns) -> AuthorizationPolicyValidator.validate(o.getSpec(), ns)),
            new Kind<>(
                    "security.istio.io",
                    "PeerAuthentication",
                    PeerAuthentication.class,
                    (o, ns) -> PeerAuthenticationValidator.validate(o.getSpec())),
            new Kind<>(
                    "networking.istio.io",
                    "ServiceEntry",
                    ServiceEntry.class,
                    (o, ns) -> ServiceEntryValidator.validate(o.getSpec())),
            new Kind<>(
                    "networking.istio.io",
                    "WorkloadEntry",
                    WorkloadEntry.class,
                    (o, ns) -> WorkloadEntryValidator.validate(o.getSpec())));

    /** Upstream's prefix for a refused object. */
    static final String INVALID = "configuration is invalid: ";

    private final KubernetesSerialization serialization;

    public AdmissionDecider(KubernetesSerialization serialization) {
        this.serialization = serialization;
    }

    /**
     * Decides one request.
     *
     * @param group the object's API group
     * @param kind the object's kind
     * @param operation CREATE, UPDATE, DELETE or CONNECT
     * @param namespace the request's namespace
     * @param object the object as decoded JSON (maps and lists)
     */
    public Decision decide(String group, String kind, String operation, String namespace, Object object) {
        if (!"CREATE".equals(operation) && !"UPDATE".equals(operation)) {
            return Decision.allow(List.of());
        }
        if ("networking.istio.io".equals(group) && "Gateway".equals(kind)) {
            List<Violation> v = IstioGatewayValidator.validate(object);
            return v.isEmpty() ? Decision.allow(List.of()) : Decision.deny(INVALID, v);
        }
        for (Kind<?> k : KINDS) {
            if (k.group().equals(group) && k.kind().equals(kind)) {
                return decide(k, namespace, object);
            }
        }
        return Decision.allow(List.of(group + "/" + kind + " is not validated by ambient4j's istiod"));
    }

    private <T extends HasMetadata> Decision decide(Kind<T> k, String namespace, Object object) {
        if (object == null) {
            return Decision.deny(INVALID, List.of(new Violation("object", "the request carries no object")));
        }
        T typed;
        try {
            typed = serialization.convertValue(object, k.type());
        } catch (RuntimeException e) {
            Throwable root = e.getCause() == null ? e : e.getCause();
            String detail = String.valueOf(root.getMessage());
            int nl = detail.indexOf('\n');
            return Decision.deny(
                    INVALID,
                    List.of(new Violation(
                            "object", "not a valid " + k.kind() + ": " + (nl > 0 ? detail.substring(0, nl) : detail))));
        }
        List<Violation> violations = new ArrayList<>();
        if (typed instanceof CustomResource<?, ?> cr) {
            List<String> unknown = new ArrayList<>();
            UnknownFields.collect("spec", cr.getSpec(), unknown);
            for (String f : unknown) {
                violations.add(new Violation(f, "unknown field"));
            }
        }
        String ns = namespace;
        if ((ns == null || ns.isEmpty()) && typed.getMetadata() != null) {
            ns = typed.getMetadata().getNamespace();
        }
        violations.addAll(k.validator().apply(typed, ns == null ? "" : ns));
        if (violations.isEmpty()) {
            return Decision.allow(List.of());
        }
        return Decision.deny(INVALID, violations);
    }
}
