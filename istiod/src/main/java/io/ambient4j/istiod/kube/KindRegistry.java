package io.ambient4j.istiod.kube;

import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.GatewayClass;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;

/** The custom resources ambient watches, with the API coordinates their informers need. */
public final class KindRegistry {
    /** One watched custom resource kind. */
    public record Crd(Class<? extends HasMetadata> type, ResourceDefinitionContext context) {
        static Crd of(Class<? extends HasMetadata> type) {
            return new Crd(type, ResourceDefinitionContext.fromResourceType(type));
        }
    }

    public static final List<Crd> CRDS = List.of(
            Crd.of(AuthorizationPolicy.class),
            Crd.of(PeerAuthentication.class),
            Crd.of(ServiceEntry.class),
            Crd.of(WorkloadEntry.class),
            Crd.of(Gateway.class),
            Crd.of(GatewayClass.class),
            Crd.of(HTTPRoute.class));

    private KindRegistry() {}
}
