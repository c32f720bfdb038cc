package io.ambient4j.conformance.kubelet;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deployment → ReplicaSet → Pods, as the cluster's controllers do, so that istiod's workload-name rules
 * (a pod owned by ReplicaSet {@code <deploy>-<hash>} belongs to workload {@code <deploy>}) apply to
 * harness pods. The ReplicaSet is named {@code <deploy>-<pod-template-hash>}, pods
 * {@code <rs>-<5 random>}, with controller ownerReferences and the {@code pod-template-hash} label. A
 * template change replaces the old ReplicaSet's pods (Recreate); deleting a Deployment deletes its
 * ReplicaSets and pods (the embedded API server has no garbage collector). Deployment status reports
 * replicas and readyReplicas.
 */
public final class DeploymentController implements AutoCloseable {
    public static final String HASH_LABEL = "pod-template-hash";
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final WorkQueue queue;
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<Pod> pods;

    public DeploymentController(KubernetesClient client) {
        this.client = client;
        this.queue = new WorkQueue("deployments", this::reconcile);
    }

    public void start() {
        deployments = client.apps().deployments().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                queue.add(key(d.getMetadata()));
            }

            @Override
            public void onUpdate(Deployment o, Deployment d) {
                if (!Serialization.asJson(o.getSpec()).equals(Serialization.asJson(d.getSpec()))) {
                    queue.add(key(d.getMetadata()));
                }
            }

            @Override
            public void onDelete(Deployment d, boolean unknown) {
                queue.add(key(d.getMetadata()));
            }
        });
        pods = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueOwner(p);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                enqueueOwner(p);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                enqueueOwner(p);
            }
        });
    }

    private void enqueueOwner(Pod p) {
        for (OwnerReference ref : p.getMetadata().getOwnerReferences()) {
            if ("ReplicaSet".equals(ref.getKind())) {
                String rs = ref.getName();
                int dash = rs.lastIndexOf('-');
                if (dash > 0) {
                    queue.add(p.getMetadata().getNamespace() + "/" + rs.substring(0, dash));
                }
            }
        }
    }

    static String key(ObjectMeta m) {
        return m.getNamespace() + "/" + m.getName();
    }

    /** The pod-template-hash of a template (pure, deterministic). */
    public static String templateHash(PodTemplateSpec template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                b.append(ALPHABET.charAt((digest[i] & 0xff) % ALPHABET.length()));
            }
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String randomSuffix() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private void reconcile(String key) {
        String[] parts = key.split("/", 2);
        String ns = parts[0];
        Deployment d = deployments.getIndexer().getByKey(key);
        List<ReplicaSet> owned = client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .filter(rs -> ownedBy(rs.getMetadata(), "Deployment", parts[1]))
                .toList();
        String wantedRs =
                d == null ? null : parts[1] + "-" + templateHash(d.getSpec().getTemplate());
        for (ReplicaSet rs : owned) {
            if (!rs.getMetadata().getName().equals(wantedRs)) {
                deletePodsOf(ns, rs.getMetadata().getName());
                client.apps()
                        .replicaSets()
                        .inNamespace(ns)
                        .withName(rs.getMetadata().getName())
                        .delete();
            }
        }
        if (d == null) {
            return;
        }
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        String hash = templateHash(d.getSpec().getTemplate());
        ReplicaSet rs = owned.stream()
                .filter(r -> r.getMetadata().getName().equals(wantedRs))
                .findFirst()
                .orElseGet(() -> createReplicaSet(d, wantedRs, hash, replicas));
        List<Pod> mine = podsOf(ns, wantedRs);
        for (int i = mine.size(); i < replicas; i++) {
            createPod(d, rs, hash);
        }
        for (int i = replicas; i < mine.size(); i++) {
            client.pods()
                    .inNamespace(ns)
                    .withName(mine.get(i).getMetadata().getName())
                    .delete();
        }
        long ready = podsOf(ns, wantedRs).stream()
                .filter(DeploymentController::isReady)
                .count();
        int readyCount = (int) ready;
        client.apps()
                .deployments()
                .inNamespace(ns)
                .withName(d.getMetadata().getName())
                .editStatus(x -> {
                    x.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                            .withReplicas(replicas)
                            .withUpdatedReplicas(replicas)
                            .withReadyReplicas(readyCount)
                            .withAvailableReplicas(readyCount)
                            .withObservedGeneration(x.getMetadata().getGeneration())
                            .build());
                    return x;
                });
    }

    /** Whether a pod reports condition Ready=True (pure). */
    public static boolean isReady(Pod p) {
        return p.getStatus() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private List<Pod> podsOf(String ns, String rsName) {
        return client.pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> ownedBy(p.getMetadata(), "ReplicaSet", rsName))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    private void deletePodsOf(String ns, String rsName) {
        for (Pod p : podsOf(ns, rsName)) {
            client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete();
        }
    }

    static boolean ownedBy(ObjectMeta m, String kind, String name) {
        return m.getOwnerReferences().stream().anyMatch(r -> kind.equals(r.getKind()) && name.equals(r.getName()));
    }

    private ReplicaSet createReplicaSet(Deployment d, String name, String hash, int replicas) {
        Map<String, String> labels = new HashMap<>(labelsOf(d.getSpec().getTemplate()));
        labels.put(HASH_LABEL, hash);
        ReplicaSet rs = new ReplicaSetBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(d.getMetadata().getNamespace())
                        .withLabels(labels)
                        .withOwnerReferences(owner("apps/v1", "Deployment", d.getMetadata()))
                        .build())
                .withNewSpec()
                .withReplicas(replicas)
                .withSelector(d.getSpec().getSelector())
                .withTemplate(d.getSpec().getTemplate())
                .endSpec()
                .build();
        return client.apps()
                .replicaSets()
                .inNamespace(d.getMetadata().getNamespace())
                .resource(rs)
                .create();
    }

    private void createPod(Deployment d, ReplicaSet rs, String hash) {
        PodTemplateSpec t = d.getSpec().getTemplate();
        Map<String, String> labels = new HashMap<>(labelsOf(t));
        labels.put(HASH_LABEL, hash);
        String rsName = rs.getMetadata().getName();
        Pod pod = new PodBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(rsName + "-" + randomSuffix())
                        .withGenerateName(rsName + "-")
                        .withNamespace(d.getMetadata().getNamespace())
                        .withLabels(labels)
                        .withAnnotations(
                                t.getMetadata() == null
                                        ? Map.of()
                                        : t.getMetadata().getAnnotations())
                        .withOwnerReferences(owner("apps/v1", "ReplicaSet", rs.getMetadata()))
                        .build())
                .withSpec(t.getSpec())
                .build();
        client.pods().inNamespace(d.getMetadata().getNamespace()).resource(pod).create();
    }

    private static Map<String, String> labelsOf(PodTemplateSpec t) {
        return t.getMetadata() == null || t.getMetadata().getLabels() == null
                ? Map.of()
                : t.getMetadata().getLabels();
    }

    private static OwnerReference owner(String apiVersion, String kind, ObjectMeta m) {
        return new OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(m.getName())
                .withUid(m.getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    @Override
    public void close() {
        if (deployments != null) {
            deployments.close();
        }
        if (pods != null) {
            pods.close();
        }
        queue.close();
    }
}
