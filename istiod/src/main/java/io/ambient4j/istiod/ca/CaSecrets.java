package io.ambient4j.istiod.ca;

import io.ambient4j.common.tls.MeshCa;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the mesh CA's key lives, with upstream's precedence: a user-provided Secret {@code cacerts} (a
 * plug-in intermediate) wins; otherwise the self-signed root in Secret {@code istio-ca-secret}, created on
 * first start and reused on every restart, so workloads' certificates keep verifying across istiod restarts.
 */
public final class CaSecrets {
    /** Upstream's Secret type for the self-signed CA. */
    public static final String CA_ROOT_TYPE = "istio.io/ca-root";

    private static final System.Logger LOG = System.getLogger(CaSecrets.class.getName());

    private CaSecrets() {}

    /** Which Secret the CA came from. */
    public enum Origin {
        PLUGGED,
        SELF_SIGNED_EXISTING,
        SELF_SIGNED_CREATED
    }

    /** The CA and where it came from. */
    public record Loaded(MeshCa ca, Origin origin) {}

    /**
     * Loads (or creates) the CA.
     *
     * @param client API access
     * @param namespace istiod's namespace, usually {@code istio-system}
     * @param trustDomain the trust domain a new root is made for
     * @param rootTtl lifetime of a new self-signed root (upstream: 10 years)
     */
    public static Loaded load(KubernetesClient client, String namespace, String trustDomain, Duration rootTtl) {
        Secret plugged = client.secrets()
                .inNamespace(namespace)
                .withName(MeshCa.PLUGGED_SECRET)
                .get();
        if (plugged != null) {
            LOG.log(System.Logger.Level.INFO, "using the plug-in CA from Secret " + namespace + "/cacerts");
            return new Loaded(MeshCa.fromSecretData(decode(plugged)), Origin.PLUGGED);
        }
        Secret existing = client.secrets()
                .inNamespace(namespace)
                .withName(MeshCa.SELF_SIGNED_SECRET)
                .get();
        if (existing != null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "reusing the self-signed CA from Secret " + namespace + "/istio-ca-secret");
            return new Loaded(MeshCa.fromSecretData(decode(existing)), Origin.SELF_SIGNED_EXISTING);
        }
        MeshCa generated = MeshCa.generateSelfSigned(trustDomain, rootTtl);
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withName(MeshCa.SELF_SIGNED_SECRET)
                .withNamespace(namespace)
                .endMetadata()
                .withType(CA_ROOT_TYPE)
                .withData(encode(generated.secretData()))
                .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
            LOG.log(System.Logger.Level.INFO, "created a self-signed CA in Secret " + namespace + "/istio-ca-secret");
            return new Loaded(generated, Origin.SELF_SIGNED_CREATED);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Another istiod won the race: use its root so both sign under one trust anchor.
            Secret winner = client.secrets()
                    .inNamespace(namespace)
                    .withName(MeshCa.SELF_SIGNED_SECRET)
                    .get();
            return new Loaded(MeshCa.fromSecretData(decode(winner)), Origin.SELF_SIGNED_EXISTING);
        }
    }

    /**
     * The CA as the Secrets hold it now, never creating anything: {@code cacerts} if present, else
     * {@code istio-ca-secret}, else empty (e.g. someone deleted it; the running CA stays in use).
     */
    public static java.util.Optional<MeshCa> loadExisting(KubernetesClient client, String namespace) {
        for (String name : java.util.List.of(MeshCa.PLUGGED_SECRET, MeshCa.SELF_SIGNED_SECRET)) {
            Secret s = client.secrets().inNamespace(namespace).withName(name).get();
            if (s != null) {
                return java.util.Optional.of(MeshCa.fromSecretData(decode(s)));
            }
        }
        return java.util.Optional.empty();
    }

    static Map<String, String> decode(Secret s) {
        Map<String, String> out = new HashMap<>();
        if (s.getData() != null) {
            s.getData()
                    .forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            out.putAll(s.getStringData());
        }
        return out;
    }

    static Map<String, String> encode(Map<String, String> data) {
        Map<String, String> out = new HashMap<>();
        data.forEach((k, v) -> out.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return out;
    }
}
