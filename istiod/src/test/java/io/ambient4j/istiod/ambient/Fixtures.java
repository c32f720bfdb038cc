package io.ambient4j.istiod.ambient;

import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.workload.Address;
import io.ambient4j.api.workload.Service;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicySpec;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.GatewaySpec;
import io.ambient4j.istiod.kube.crd.GatewayStatus;
import io.ambient4j.istiod.kube.crd.PeerAuthentication;
import io.ambient4j.istiod.kube.crd.PeerAuthenticationSpec;
import io.ambient4j.istiod.kube.crd.WorkloadSelector;
import io.ambient4j.istiod.testing.Pods;
import io.ambient4j.istiod.xds.ResourceDelta;
import io.ambient4j.istiod.xds.TypeUrls;
import io.ambient4j.istiod.xds.XdsResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Builders for the Kubernetes objects the table tests feed the index, and accessors for its output. */
final class Fixtures {
    static final String NS = "ns1";

    private Fixtures() {}

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build();
    }

    static Node node(String name, String region, String zone) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels("topology.kubernetes.io/region", region, "topology.kubernetes.io/zone", zone))
                .endMetadata()
                .build();
    }

    /** A Running, Ready pod with one IP. */
    static PodBuilder pod(String ns, String name, String ip, Map<String, String> labels) {
        return Pods.runningReady(ns, name, ip, labels);
    }

    static Pod readyPod(String name, String ip, String... kv) {
        return pod(NS, name, ip, labels(kv)).build();
    }

    static io.fabric8.kubernetes.api.model.Service service(
            String ns, String name, String clusterIp, Map<String, String> selector, Object... portTargets) {
        ServiceBuilder b = new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withClusterIP(clusterIp)
                .withSelector(selector)
                .endSpec();
        for (int i = 0; i < portTargets.length; i += 3) {
            Object target = portTargets[i + 2];
            b.editSpec()
                    .addToPorts(new ServicePortBuilder()
                            .withName((String) portTargets[i])
                            .withPort((Integer) portTargets[i + 1])
                            .withTargetPort(
                                    target instanceof Integer n ? new IntOrString(n) : new IntOrString((String) target))
                            .build())
                    .endSpec();
        }
        return b.build();
    }

    static Gateway waypoint(String ns, String name, String waypointFor, String statusHostname) {
        Gateway g = new Gateway();
        g.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(name)
                .withLabels(waypointFor == null ? Map.of() : labels(Labels.WAYPOINT_FOR, waypointFor))
                .build());
        GatewaySpec spec = new GatewaySpec();
        spec.gatewayClassName = "istio-waypoint";
        GatewaySpec.Listener l = new GatewaySpec.Listener();
        l.name = "mesh";
        l.port = 15008;
        l.protocol = "HBONE";
        spec.listeners = new ArrayList<>(List.of(l));
        g.setSpec(spec);
        if (statusHostname != null) {
            GatewayStatus st = new GatewayStatus();
            GatewaySpec.GatewayAddress a = new GatewaySpec.GatewayAddress();
            a.type = "Hostname";
            a.value = statusHostname;
            st.addresses = List.of(a);
            g.setStatus(st);
        }
        return g;
    }

    static AuthorizationPolicy policy(String ns, String name, AuthorizationPolicySpec spec) {
        AuthorizationPolicy ap = new AuthorizationPolicy();
        ap.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(name)
                .withGeneration(1L)
                .build());
        ap.setSpec(spec);
        return ap;
    }

    static AuthorizationPolicySpec allowFromPrincipals(Map<String, String> selector, String... principals) {
        AuthorizationPolicySpec spec = new AuthorizationPolicySpec();
        if (selector != null) {
            spec.selector = new WorkloadSelector(selector);
        }
        AuthorizationPolicySpec.Rule r = new AuthorizationPolicySpec.Rule();
        AuthorizationPolicySpec.From f = new AuthorizationPolicySpec.From();
        f.source = new AuthorizationPolicySpec.Source();
        f.source.principals = Arrays.asList(principals);
        r.from = List.of(f);
        spec.rules = List.of(r);
        return spec;
    }

    static PeerAuthentication peerAuth(
            String ns, String name, String created, Map<String, String> selector, String mode, String... portModes) {
        PeerAuthentication pa = new PeerAuthentication();
        pa.setMetadata(new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(name)
                .withCreationTimestamp(created)
                .build());
        PeerAuthenticationSpec spec = new PeerAuthenticationSpec();
        if (selector != null) {
            spec.selector = new WorkloadSelector(selector);
        }
        if (mode != null) {
            spec.mtls = new PeerAuthenticationSpec.MutualTls(mode);
        }
        if (portModes.length > 0) {
            spec.portLevelMtls = new LinkedHashMap<>();
            for (int i = 0; i < portModes.length; i += 2) {
                spec.portLevelMtls.put(portModes[i], new PeerAuthenticationSpec.MutualTls(portModes[i + 1]));
            }
        }
        pa.setSpec(spec);
        return pa;
    }

    // ---- index helpers

    static AmbientIndex index() {
        return new AmbientIndex(MeshSettings.defaults(), StatusSink.NONE);
    }

    static List<ResourceDelta> upsert(AmbientIndex idx, HasMetadata... objs) {
        return idx.apply(Arrays.stream(objs).map(KubeEvent::upsert).toList());
    }

    static List<ResourceDelta> delete(AmbientIndex idx, HasMetadata... objs) {
        return idx.apply(Arrays.stream(objs).map(KubeEvent::delete).toList());
    }

    static String podUid(String name) {
        return "Kubernetes//Pod/" + NS + "/" + name;
    }

    static Workload workload(AmbientIndex idx, String uid) {
        XdsResource r = idx.snapshot(TypeUrls.ADDRESS).get(uid);
        return r == null ? null : ((Address) r.body()).getWorkload();
    }

    static Service svc(AmbientIndex idx, String name) {
        XdsResource r = idx.snapshot(TypeUrls.ADDRESS).get(name);
        return r == null ? null : ((Address) r.body()).getService();
    }

    static Authorization authz(AmbientIndex idx, String name) {
        XdsResource r = idx.snapshot(TypeUrls.AUTHORIZATION).get(name);
        return r == null ? null : (Authorization) r.body();
    }

    /** Names upserted for {@code typeUrl} across deltas. */
    static Set<String> upserted(List<ResourceDelta> deltas, String typeUrl) {
        Set<String> s = new TreeSet<>();
        for (ResourceDelta d : deltas) {
            if (d.typeUrl().equals(typeUrl)) {
                d.upserted().forEach(r -> s.add(r.name()));
            }
        }
        return s;
    }

    static Set<String> removed(List<ResourceDelta> deltas, String typeUrl) {
        Set<String> s = new TreeSet<>();
        for (ResourceDelta d : deltas) {
            if (d.typeUrl().equals(typeUrl)) {
                s.addAll(d.removed());
            }
        }
        return s;
    }
}
