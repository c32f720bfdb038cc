package io.ambient4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.api.workload.Address;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.testing.Channels;
import io.ambient4j.istiod.xds.AdsClientAccess;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A waypoint from Gateway to ztunnel's view, through the whole istiod: the waypoint controller renders the
 * objects and, once the Service has a ClusterIP, writes Gateway status addresses; the ambient index then
 * binds the labelled Service to the waypoint, and a ztunnel xDS client sees the binding.
 */
@EnableKubernetesMockClient(crud = true)
class WaypointEndToEndTest {
    private static final ResourceDefinitionContext GATEWAYS = ResourceDefinitionContext.fromResourceType(Gateway.class);
    private static final String REVIEWS_SVC = "demo/reviews.demo.svc.cluster.local";

    KubernetesMockServer server;
    KubernetesClient client;

    private Istiod istiod;
    private ManagedChannel tls;

    @BeforeEach
    void start() {
        ServiceAccountTokens tokens = new ServiceAccountTokens();
        tokens.install(server);
        IstiodConfig config = IstiodConfig.defaults().onEphemeralLoopbackPorts();
        istiod = Istiod.start(config, client, AmbientIndexes.start(config, client));
        SampleMesh.apply(client);
        String token =
                tokens.issue("istio-system", "ztunnel", "ztunnel-7xk2p", "", List.of("istio-ca"), Duration.ofHours(1));
        tls = Channels.tls(istiod.port(IstiodServer.TLS_XDS), istiod.ca().rootPem(), Optional.of(token));
    }

    @AfterEach
    void stop() {
        Channels.close(tls);
        istiod.close();
    }

    @Test
    void C093_C090_aDeployedWaypointIsBoundToTheLabelledServiceInXds() throws Exception {
        String yaml = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: waypoint\n"
                + "  namespace: demo\n  labels:\n    istio.io/waypoint-for: service\nspec:\n"
                + "  gatewayClassName: istio-waypoint\n  listeners:\n  - name: mesh\n    port: 15008\n"
                + "    protocol: HBONE\n";
        client.genericKubernetesResources(GATEWAYS)
                .inNamespace("demo")
                .resource(new KubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class))
                .create();
        client.services().inNamespace("demo").withName("reviews").edit(s -> {
            s.getMetadata().getLabels().put("istio.io/use-waypoint", "waypoint");
            return s;
        });
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.services()
                                .inNamespace("demo")
                                .withName("waypoint")
                                .get()
                        != null);
        // The API server's part: allocate the waypoint Service's ClusterIP.
        // Retried on 409: the waypoint controller may be writing the Service at the same moment.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                client.services().inNamespace("demo").withName("waypoint").edit(s -> {
                    s.getSpec().setClusterIP("10.96.7.7");
                    s.getSpec().setClusterIPs(List.of("10.96.7.7"));
                    return s;
                });
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return false;
                }
                throw e;
            }
        });

        try (AdsClientAccess ads = new AdsClientAccess(tls)) {
            ads.wildcard(TypeUrls.ADDRESS);
            Map<String, Resource> held = new HashMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                DeltaDiscoveryResponse r = ads.poll(TypeUrls.ADDRESS);
                if (r != null) {
                    r.getResourcesList().forEach(x -> held.put(x.getName(), x));
                    r.getRemovedResourcesList().forEach(held::remove);
                    ads.ack(r);
                }
                Resource svc = held.get(REVIEWS_SVC);
                return svc != null
                        && svc.getResource().unpack(Address.class).getService().hasWaypoint();
            });
            var waypoint = held.get(REVIEWS_SVC)
                    .getResource()
                    .unpack(Address.class)
                    .getService()
                    .getWaypoint();
            assertThat(waypoint.getHostname().getNamespace()).isEqualTo("demo");
            assertThat(waypoint.getHostname().getHostname()).isEqualTo("waypoint.demo.svc.cluster.local");
            assertThat(waypoint.getHboneMtlsPort()).isEqualTo(15008);
        }
    }
}
