package io.ambient4j.conformance.services;

import io.ambient4j.conformance.kubelet.WorkQueue;
import io.ambient4j.conformance.mesh.Sh;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster's service plumbing in one controller: allocates ClusterIPs (written back to
 * {@code spec.clusterIP}), writes one EndpointSlice per selecting Service for its ready pods (as the
 * endpoint-slice controller does, so istiod sees them), programs kube-proxy's DNAT rules in every node
 * namespace and the underlay, and rebuilds the DNS zone. Every event triggers a full, cheap resync on the
 * single worker.
 */
public final class ServiceController implements AutoCloseable {
    public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    public static final String MANAGER = "endpointslice-controller.k8s.io";
    public static final String SERVICE_NAME = "kubernetes.io/service-name";
    private static final System.Logger LOG = System.getLogger(ServiceController.class.getName());

    private final KubernetesClient client;
    private final List<String> proxyNetns;
    private final VipPool vips = new VipPool();
    private final AtomicReference<DnsRecords> dns = new AtomicReference<>(DnsRecords.empty());
    private final WorkQueue queue;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Pod> pods;
    private String appliedRules = "";

    /** @param proxyNetns the namespaces that get kube-proxy rules (every node and the underlay) */
    public ServiceController(KubernetesClient client, List<String> proxyNetns) {
        this.client = client;
        this.proxyNetns = List.copyOf(proxyNetns);
        this.queue = new WorkQueue("services", k -> resync());
    }

    /** Installs the kube-proxy jump rules and starts watching. */
    public void start() {
        for (String ns : proxyNetns) {
            Sh.run(Sh.inNetns(ns, "iptables-restore", "--noflush"), KubeProxyRules.jumps());
        }
        ResourceEventHandler<Object> any = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object o) {
                queue.add("all");
            }

            @Override
            public void onUpdate(Object o, Object n) {
                queue.add("all");
            }

            @Override
            public void onDelete(Object o, boolean unknown) {
                queue.add("all");
            }
        };
        services = client.services().inAnyNamespace().inform(cast(any));
        pods = client.pods().inAnyNamespace().inform(cast(any));
    }

    @SuppressWarnings("unchecked")
    private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<Object> h) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
    }

    /** The current DNS zone (read by every node's DNS server). */
    public DnsRecords dns() {
        return dns.get();
    }

    private void resync() {
        List<Pod> allPods = pods.getIndexer().list();
        List<ServiceView> views = new ArrayList<>();
        Set<String> live = new HashSet<>();
        for (Service svc : services.getIndexer().list()) {
            svc = ensureClusterIp(svc);
            live.add(svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName());
            if (svc.getSpec().getSelector() == null
                    || svc.getSpec().getSelector().isEmpty()) {
                continue;
            }
            List<Pod> selected = Endpoints.selected(svc, allPods);
            views.add(Endpoints.view(svc, selected));
            writeSlice(svc, selected);
        }
        deleteStaleSlices(live);
        dns.set(DnsRecords.of(views));
        String rules = KubeProxyRules.render(views);
        if (!rules.equals(appliedRules)) {
            for (String ns : proxyNetns) {
                Sh.run(Sh.inNetns(ns, "iptables-restore", "--noflush"), rules);
            }
            appliedRules = rules;
        }
    }

    private Service ensureClusterIp(Service svc) {
        String type = svc.getSpec().getType();
        String ip = svc.getSpec().getClusterIP();
        if (ip != null && !ip.isEmpty()) {
            vips.reserve(ip);
            return svc;
        }
        if (type != null && type.equals("ExternalName")) {
            return svc;
        }
        String vip = vips.allocate();
        LOG.log(
                Level.INFO,
                "service {0}/{1} gets ClusterIP {2}",
                svc.getMetadata().getNamespace(),
                svc.getMetadata().getName(),
                vip);
        return client.services()
                .inNamespace(svc.getMetadata().getNamespace())
                .withName(svc.getMetadata().getName())
                .edit(s -> {
                    s.getSpec().setClusterIP(vip);
                    s.getSpec().setClusterIPs(List.of(vip));
                    if (s.getSpec().getType() == null) {
                        s.getSpec().setType("ClusterIP");
                    }
                    return s;
                });
    }

    /** The EndpointSlice for a Service and its ready pods (pure). */
    static EndpointSlice slice(Service svc, List<Pod> selected) {
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort sp : svc.getSpec().getPorts()) {
            Integer port = selected.isEmpty()
                    ? null
                    : Endpoints.targetPort(sp, selected.getFirst()).stream()
                            .boxed()
                            .findFirst()
                            .orElse(null);
            ports.add(new EndpointPortBuilder()
                    .withName(sp.getName() == null ? "" : sp.getName())
                    .withPort(port)
                    .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol())
                    .withAppProtocol(sp.getAppProtocol())
                    .build());
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (Pod p : selected) {
            endpoints.add(new EndpointBuilder()
                    .withAddresses(p.getStatus().getPodIP())
                    .withNewConditions()
                    .withReady(true)
                    .withServing(true)
                    .withTerminating(false)
                    .endConditions()
                    .withNodeName(p.getSpec().getNodeName())
                    .withTargetRef(new ObjectReferenceBuilder()
                            .withKind("Pod")
                            .withNamespace(p.getMetadata().getNamespace())
                            .withName(p.getMetadata().getName())
                            .withUid(p.getMetadata().getUid())
                            .build())
                    .build());
        }
        String name = svc.getMetadata().getName() + "-a4j";
        return new EndpointSliceBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(svc.getMetadata().getNamespace())
                        .withLabels(Map.of(SERVICE_NAME, svc.getMetadata().getName(), MANAGED_BY, MANAGER))
                        .withOwnerReferences(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                                .withApiVersion("v1")
                                .withKind("Service")
                                .withName(svc.getMetadata().getName())
                                .withUid(svc.getMetadata().getUid())
                                .withController(true)
                                .build())
                        .build())
                .withAddressType("IPv4")
                .withPorts(ports)
                .withEndpoints(endpoints)
                .build();
    }

    private void writeSlice(Service svc, List<Pod> selected) {
        EndpointSlice want = slice(svc, selected);
        var res = client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(svc.getMetadata().getNamespace())
                .withName(want.getMetadata().getName());
        EndpointSlice have = res.get();
        if (have == null) {
            client.discovery()
                    .v1()
                    .endpointSlices()
                    .inNamespace(svc.getMetadata().getNamespace())
                    .resource(want)
                    .create();
        } else if (!Serialization.asJson(have.getEndpoints()).equals(Serialization.asJson(want.getEndpoints()))
                || !Serialization.asJson(have.getPorts()).equals(Serialization.asJson(want.getPorts()))) {
            res.edit(s -> {
                s.setEndpoints(want.getEndpoints());
                s.setPorts(want.getPorts());
                return s;
            });
        }
    }

    private void deleteStaleSlices(Set<String> liveServices) {
        for (EndpointSlice s : client.discovery()
                .v1()
                .endpointSlices()
                .inAnyNamespace()
                .withLabel(MANAGED_BY, MANAGER)
                .list()
                .getItems()) {
            String svc = s.getMetadata().getLabels().get(SERVICE_NAME);
            if (!liveServices.contains(s.getMetadata().getNamespace() + "/" + svc)) {
                client.discovery().v1().endpointSlices().resource(s).delete();
            }
        }
    }

    @Override
    public void close() {
        queue.close();
        if (services != null) {
            services.close();
        }
        if (pods != null) {
            pods.close();
        }
    }
}
