package io.ambient4j.istiod.ambient;

import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import io.ambient4j.api.workload.ApplicationTunnel;
import io.ambient4j.api.workload.GatewayAddress;
import io.ambient4j.api.workload.Locality;
import io.ambient4j.api.workload.NetworkMode;
import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.PortList;
import io.ambient4j.api.workload.TunnelProtocol;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.api.workload.WorkloadStatus;
import io.ambient4j.api.workload.WorkloadType;
import io.ambient4j.istiod.kube.crd.WorkloadEntrySpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pod / WorkloadEntry / ServiceEntry endpoint → {@code istio.workload.Workload} (upstream {@code workloads.go}).
 * Pure: services, policies, waypoint and locality are resolved by the index and passed in.
 */
public final class WorkloadTranslator {
    private static final Pattern CRONJOB_JOB_NAME = Pattern.compile("(.+)-\\d{8,10}$");

    private WorkloadTranslator() {}

    /**
     * What a workload's translation needs besides the object itself.
     *
     * @param mesh mesh settings
     * @param locality the Node's locality (pods) or null
     * @param services Services selecting this workload
     * @param policies {@code Workload.authorization_policies}, in order
     * @param waypoint the bound workload waypoint address, or null
     * @param applicationTunnel set on waypoint instances with an inbound binding, else null
     */
    public record Context(
            MeshSettings mesh,
            Locality locality,
            List<ServiceInfo> services,
            List<String> policies,
            GatewayAddress waypoint,
            ApplicationTunnel applicationTunnel) {}

    /** The uid of a pod: {@code <cluster>//Pod/<ns>/<name>}. */
    public static String podUid(String clusterId, String namespace, String name) {
        return clusterId + "//Pod/" + namespace + "/" + name;
    }

    public static String workloadEntryUid(String clusterId, String namespace, String name) {
        return clusterId + "/networking.istio.io/WorkloadEntry/" + namespace + "/" + name;
    }

    public static String serviceEntryUid(String clusterId, String namespace, String name, String address) {
        return clusterId + "/networking.istio.io/ServiceEntry/" + namespace + "/" + name + "/" + address;
    }

    /** True for pods that will never produce a Workload: terminal phase or no IP yet. */
    public static boolean hasNoWorkload(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Failed".equals(phase) || "Succeeded".equals(phase) || podIps(p).isEmpty();
    }

    /** A Pod's Workload; empty for terminal pods and pods with no (valid) IP. */
    public static Optional<Workload> fromPod(Pod p, Context ctx) {
        if (hasNoWorkload(p)) {
            return Optional.empty();
        }
        List<ByteString> addresses = new ArrayList<>();
        for (String ip : podIps(p)) {
            Optional<byte[]> b = IpAddresses.parse(ip);
            if (b.isEmpty()) {
                return Optional.empty();
            }
            addresses.add(ByteString.copyFrom(b.get()));
        }
        var meta = p.getMetadata();
        Map<String, String> labels = Selectors.orEmpty(meta.getLabels());
        var spec = p.getSpec();
        boolean healthy = isReady(p) && meta.getDeletionTimestamp() == null;
        Workload.Builder w = Workload.newBuilder()
                .setUid(podUid(ctx.mesh().clusterId(), meta.getNamespace(), meta.getName()))
                .setName(meta.getName())
                .setNamespace(meta.getNamespace())
                .setNetwork(ctx.mesh().network())
                .setClusterId(ctx.mesh().clusterId())
                .addAllAddresses(addresses)
                .setServiceAccount(
                        spec == null || spec.getServiceAccountName() == null ? "" : spec.getServiceAccountName())
                .setNode(spec == null || spec.getNodeName() == null ? "" : spec.getNodeName())
                .putAllServices(servicesForPod(p, ctx.services()))
                .addAllAuthorizationPolicies(ctx.policies())
                .setStatus(healthy ? WorkloadStatus.HEALTHY : WorkloadStatus.UNHEALTHY)
                .setTrustDomain(ctx.mesh().wireTrustDomain());
        if (ctx.waypoint() != null) {
            w.setWaypoint(ctx.waypoint());
        }
        if (ctx.applicationTunnel() != null) {
            w.setApplicationTunnel(ctx.applicationTunnel());
        }
        if (ctx.locality() != null) {
            w.setLocality(ctx.locality());
        }
        if (spec != null && Boolean.TRUE.equals(spec.getHostNetwork())) {
            w.setNetworkMode(NetworkMode.HOST_NETWORK);
        }
        String workloadName = workloadName(p);
        w.setWorkloadName(workloadName);
        w.setWorkloadType(WorkloadType.POD);
        w.setCanonicalName(canonicalName(labels, workloadName));
        w.setCanonicalRevision(canonicalRevision(labels));
        setTunnelProtocol(labels, Selectors.orEmpty(meta.getAnnotations()), w);
        return Optional.of(w.build());
    }

    /** A WorkloadEntry (or a ServiceEntry inline endpoint, with its own uid). */
    public static Workload fromWorkloadEntry(
            String uid,
            String name,
            String namespace,
            Map<String, String> labels,
            Map<String, String> annotations,
            WorkloadEntrySpec spec,
            Context ctx) {
        String network = spec.network != null && !spec.network.isEmpty()
                ? spec.network
                : ctx.mesh().network();
        Workload.Builder w = Workload.newBuilder()
                .setUid(uid)
                .setName(name)
                .setNamespace(namespace)
                .setNetwork(network)
                .setClusterId(ctx.mesh().clusterId())
                .setServiceAccount(spec.serviceAccount == null ? "" : spec.serviceAccount)
                .putAllServices(servicesForWorkloadEntry(spec, ctx.services()))
                .addAllAuthorizationPolicies(ctx.policies())
                .setStatus(WorkloadStatus.HEALTHY)
                .setTrustDomain(ctx.mesh().wireTrustDomain());
        if (ctx.waypoint() != null) {
            w.setWaypoint(ctx.waypoint());
        }
        if (spec.weight != null && spec.weight > 0) {
            w.setCapacity(UInt32Value.of(spec.weight));
        }
        Optional<byte[]> ip = IpAddresses.parse(spec.address);
        if (ip.isPresent()) {
            w.addAddresses(ByteString.copyFrom(ip.get()));
        } else if (spec.address != null) {
            w.setHostname(spec.address);
        }
        Locality loc = parseLocality(spec.locality);
        if (loc != null) {
            w.setLocality(loc);
        }
        String workloadName = Selectors.orEmpty(labels).getOrDefault(Labels.WORKLOAD_NAME, name);
        w.setWorkloadName(workloadName);
        w.setWorkloadType(WorkloadType.POD);
        w.setCanonicalName(canonicalName(labels, workloadName));
        w.setCanonicalRevision(canonicalRevision(labels));
        setTunnelProtocol(labels, annotations, w);
        return w.build();
    }

    /** HBONE when redirected by istio-cni, or HBONE + native tunnel for an HBONE-capable sidecar. */
    static void setTunnelProtocol(Map<String, String> labels, Map<String, String> annotations, Workload.Builder w) {
        if (Labels.AMBIENT_REDIRECTION_ENABLED.equals(
                Selectors.orEmpty(annotations).get(Labels.AMBIENT_REDIRECTION))) {
            w.setTunnelProtocol(TunnelProtocol.HBONE);
        }
        if (Labels.TUNNEL_HTTP.equals(Selectors.orEmpty(labels).get(Labels.TUNNEL))) {
            w.setTunnelProtocol(TunnelProtocol.HBONE);
            w.setNativeTunnel(true);
        }
    }

    static List<String> podIps(Pod p) {
        if (p.getStatus() == null) {
            return List.of();
        }
        List<PodIP> ips = p.getStatus().getPodIPs();
        if (ips != null && !ips.isEmpty()) {
            return ips.stream()
                    .map(PodIP::getIp)
                    .filter(s -> s != null && !s.isEmpty())
                    .toList();
        }
        String ip = p.getStatus().getPodIP();
        return ip == null || ip.isEmpty() ? List.of() : List.of(ip);
    }

    static boolean isReady(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    /**
     * The controlling workload's name: a ReplicaSet loses its {@code pod-template-hash} suffix (Deployment),
     * a Job named {@code <x>-<8..10 digits>} is CronJob {@code x}; pods without generateName keep their name.
     */
    public static String workloadName(Pod p) {
        var meta = p.getMetadata();
        Map<String, String> labels = Selectors.orEmpty(meta.getLabels());
        String explicit = labels.get(Labels.WORKLOAD_NAME);
        if (explicit != null) {
            return explicit;
        }
        String name = meta.getName();
        if (meta.getGenerateName() != null && !meta.getGenerateName().isEmpty()) {
            OwnerReference controller = null;
            for (OwnerReference r :
                    meta.getOwnerReferences() == null ? List.<OwnerReference>of() : meta.getOwnerReferences()) {
                if (Boolean.TRUE.equals(r.getController()) && r.getName() != null) {
                    controller = r;
                    break;
                }
            }
            if (controller != null) {
                name = controller.getName();
                String hash = labels.get("pod-template-hash");
                String rolloutHash = labels.get("rollouts-pod-template-hash");
                if ("ReplicaSet".equals(controller.getKind())
                        && hash != null
                        && !hash.isEmpty()
                        && name.endsWith(hash)) {
                    name = stripSuffix(name, "-" + hash);
                } else if ("ReplicaSet".equals(controller.getKind())
                        && rolloutHash != null
                        && !rolloutHash.isEmpty()
                        && name.endsWith(rolloutHash)) {
                    name = stripSuffix(name, "-" + rolloutHash);
                } else if ("ReplicationController".equals(controller.getKind())
                        && labels.get("deploymentconfig") != null
                        && !labels.get("deploymentconfig").isEmpty()) {
                    name = labels.get("deploymentconfig");
                } else if ("Job".equals(controller.getKind())) {
                    var m = CRONJOB_JOB_NAME.matcher(name);
                    if (m.matches()) {
                        name = m.group(1);
                    }
                }
            }
        }
        return name == null || name.isEmpty() ? meta.getName() : name;
    }

    private static String stripSuffix(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }

    static String canonicalName(Map<String, String> labels, String workloadName) {
        for (String k : List.of(Labels.CANONICAL_NAME, "app.kubernetes.io/name", "app")) {
            String v = labels.get(k);
            if (v != null) {
                return v;
            }
        }
        return workloadName;
    }

    static String canonicalRevision(Map<String, String> labels) {
        for (String k : List.of(Labels.CANONICAL_REVISION, "app.kubernetes.io/version", "version")) {
            String v = labels.get(k);
            if (v != null) {
                return v;
            }
        }
        return "latest";
    }

    /** {@code region/zone/subzone} → Locality, null when empty. */
    static Locality parseLocality(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        String[] parts = s.split("/", 3);
        Locality.Builder b = Locality.newBuilder().setRegion(parts[0]);
        if (parts.length > 1) {
            b.setZone(parts[1]);
        }
        if (parts.length > 2) {
            b.setSubzone(parts[2]);
        }
        return b.build();
    }

    /** Node labels → Locality, or null when the node has none. */
    public static Locality nodeLocality(Map<String, String> nodeLabels) {
        Map<String, String> l = Selectors.orEmpty(nodeLabels);
        String region = l.getOrDefault(Labels.TOPOLOGY_REGION, "");
        String zone = l.getOrDefault(Labels.TOPOLOGY_ZONE, "");
        String subzone = l.getOrDefault(Labels.TOPOLOGY_SUBZONE, "");
        if (region.isEmpty() && zone.isEmpty() && subzone.isEmpty()) {
            return null;
        }
        return Locality.newBuilder()
                .setRegion(region)
                .setZone(zone)
                .setSubzone(subzone)
                .build();
    }

    /** A container port number by name, or -1. */
    static int findPortName(Pod p, String name) {
        if (p.getSpec() == null || p.getSpec().getContainers() == null) {
            return -1;
        }
        for (Container c : p.getSpec().getContainers()) {
            for (ContainerPort cp : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (name.equals(cp.getName()) && cp.getContainerPort() != null) {
                    return cp.getContainerPort();
                }
            }
        }
        return -1;
    }

    /** {@code Workload.services} for a pod: named target ports resolved from its container ports. */
    static Map<String, PortList> servicesForPod(Pod p, List<ServiceInfo> services) {
        Map<String, PortList> res = new java.util.TreeMap<>();
        for (ServiceInfo svc : services) {
            PortList.Builder pl = PortList.newBuilder();
            for (Port port : svc.service().getPortsList()) {
                int target = port.getTargetPort();
                ServiceInfo.PortName named = svc.portNames().get(port.getServicePort());
                if (named != null) {
                    if (!named.targetPortName().isEmpty()) {
                        int tp = findPortName(p, named.targetPortName());
                        if (tp < 0) {
                            continue;
                        }
                        target = tp;
                    } else if (svc.fromServiceEntry() && !named.portName().isEmpty()) {
                        int tp = findPortName(p, named.portName());
                        if (tp >= 0) {
                            target = tp;
                        } else if (target == 0) {
                            target = port.getServicePort();
                        }
                    }
                }
                pl.addPorts(Port.newBuilder()
                        .setServicePort(port.getServicePort())
                        .setTargetPort(target)
                        .build());
            }
            res.put(svc.key(), pl.build());
        }
        return res;
    }

    /** {@code Workload.services} for a WorkloadEntry: its {@code ports} map by name. */
    static Map<String, PortList> servicesForWorkloadEntry(WorkloadEntrySpec we, List<ServiceInfo> services) {
        Map<String, PortList> res = new java.util.TreeMap<>();
        Map<String, Integer> wePorts = Selectors.orEmpty(we.ports);
        for (ServiceInfo svc : services) {
            PortList.Builder pl = PortList.newBuilder();
            boolean skip;
            for (Port port : svc.service().getPortsList()) {
                int target = port.getTargetPort();
                skip = false;
                ServiceInfo.PortName named = svc.portNames().get(port.getServicePort());
                if (named != null) {
                    if (!svc.fromServiceEntry()) {
                        if (!named.targetPortName().isEmpty()) {
                            Integer tv = wePorts.get(named.targetPortName());
                            if (tv == null) {
                                skip = true;
                            } else {
                                target = tv;
                            }
                        } else if (wePorts.containsKey(named.portName())) {
                            target = wePorts.get(named.portName());
                        }
                    } else {
                        Integer tv = wePorts.get(named.portName());
                        if (tv != null) {
                            target = tv;
                        } else if (target == 0) {
                            target = port.getServicePort();
                        }
                    }
                }
                if (!skip) {
                    pl.addPorts(Port.newBuilder()
                            .setServicePort(port.getServicePort())
                            .setTargetPort(target)
                            .build());
                }
            }
            res.put(svc.key(), pl.build());
        }
        return res;
    }
}
