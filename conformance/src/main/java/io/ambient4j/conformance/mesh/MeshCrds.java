package io.ambient4j.conformance.mesh;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The CRDs istiod and scenarios use (Istio security/networking/telemetry and Gateway API), registered in
 * the embedded API server so that generic clients can discover and store them exactly as in a cluster.
 * Schemas are left open (preserve unknown fields): the embedded API does not validate.
 */
public final class MeshCrds {
    private MeshCrds() {}

    /** One CRD to register. */
    public record Crd(String group, String kind, String plural, boolean namespaced, List<String> versions) {}

    /** The registered set (pure). */
    public static List<Crd> all() {
        List<String> istio = List.of("v1", "v1beta1", "v1alpha3");
        List<String> gw = List.of("v1", "v1beta1");
        return List.of(
                new Crd("security.istio.io", "AuthorizationPolicy", "authorizationpolicies", true, istio),
                new Crd("security.istio.io", "PeerAuthentication", "peerauthentications", true, istio),
                new Crd("security.istio.io", "RequestAuthentication", "requestauthentications", true, istio),
                new Crd("networking.istio.io", "ServiceEntry", "serviceentries", true, istio),
                new Crd("networking.istio.io", "WorkloadEntry", "workloadentries", true, istio),
                new Crd("networking.istio.io", "Gateway", "gateways", true, istio),
                new Crd("networking.istio.io", "VirtualService", "virtualservices", true, istio),
                new Crd("networking.istio.io", "DestinationRule", "destinationrules", true, istio),
                new Crd("networking.istio.io", "Sidecar", "sidecars", true, istio),
                new Crd("networking.istio.io", "EnvoyFilter", "envoyfilters", true, List.of("v1alpha3")),
                new Crd("telemetry.istio.io", "Telemetry", "telemetries", true, List.of("v1", "v1alpha1")),
                new Crd("gateway.networking.k8s.io", "Gateway", "gateways", true, gw),
                new Crd("gateway.networking.k8s.io", "GatewayClass", "gatewayclasses", false, gw),
                new Crd("gateway.networking.k8s.io", "HTTPRoute", "httproutes", true, gw),
                new Crd("gateway.networking.k8s.io", "GRPCRoute", "grpcroutes", true, List.of("v1")),
                new Crd("gateway.networking.k8s.io", "TCPRoute", "tcproutes", true, List.of("v1alpha2")),
                new Crd("gateway.networking.k8s.io", "TLSRoute", "tlsroutes", true, List.of("v1alpha2")));
    }

    /** Builds the CRD object (pure). */
    public static CustomResourceDefinition toObject(Crd crd) {
        List<CustomResourceDefinitionVersion> versions = new ArrayList<>();
        for (int i = 0; i < crd.versions().size(); i++) {
            versions.add(new CustomResourceDefinitionVersionBuilder()
                    .withName(crd.versions().get(i))
                    .withServed(true)
                    .withStorage(i == 0)
                    .withNewSchema()
                    .withNewOpenAPIV3Schema()
                    .withType("object")
                    .withXKubernetesPreserveUnknownFields(true)
                    .endOpenAPIV3Schema()
                    .endSchema()
                    .withNewSubresources()
                    .withNewStatus()
                    .endStatus()
                    .endSubresources()
                    .build());
        }
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(crd.plural() + "." + crd.group())
                .endMetadata()
                .withNewSpec()
                .withGroup(crd.group())
                .withScope(crd.namespaced() ? "Namespaced" : "Cluster")
                .withNewNames()
                .withKind(crd.kind())
                .withPlural(crd.plural())
                .withSingular(crd.kind().toLowerCase(java.util.Locale.ROOT))
                .withListKind(crd.kind() + "List")
                .endNames()
                .withVersions(versions)
                .endSpec()
                .build();
    }

    /** Creates every CRD that is not there yet. */
    public static void install(KubernetesClient client) {
        for (Crd crd : all()) {
            CustomResourceDefinition object = toObject(crd);
            var existing = client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(object.getMetadata().getName())
                    .get();
            if (existing == null) {
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(object)
                        .create();
            }
        }
    }
}
