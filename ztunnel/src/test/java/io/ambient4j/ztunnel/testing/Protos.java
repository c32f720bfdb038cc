package io.ambient4j.ztunnel.testing;

import com.google.protobuf.ByteString;
import io.ambient4j.api.workload.GatewayAddress;
import io.ambient4j.api.workload.NamespacedHostname;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.PortList;
import io.ambient4j.api.workload.Service;
import io.ambient4j.api.workload.TunnelProtocol;
import io.ambient4j.api.workload.Workload;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Protobuf fixtures: short builders for the xDS resources tests feed through the real converter. */
public final class Protos {
    private Protos() {}

    public static ByteString ip(String literal) {
        try {
            return ByteString.copyFrom(InetAddress.getByName(literal).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An HBONE pod {@code Kubernetes//Pod/<ns>/<name>} with one IP. */
    public static Workload.Builder pod(String ns, String name, String ip) {
        return Workload.newBuilder()
                .setUid("Kubernetes//Pod/" + ns + "/" + name)
                .setName(name)
                .setNamespace(ns)
                .addAddresses(ip(ip))
                .setTunnelProtocol(TunnelProtocol.HBONE)
                .setServiceAccount(name + "-sa")
                .setWorkloadName(name)
                .setCanonicalName(name)
                .setCanonicalRevision("v1")
                .setNode("node-1")
                .setClusterId("Kubernetes");
    }

    /** Adds membership of {@code <ns>/<host>} with port pairs {@code svcPort, targetPort, ...}. */
    public static Workload.Builder member(Workload.Builder w, String ns, String host, int... ports) {
        PortList.Builder pl = PortList.newBuilder();
        for (int i = 0; i < ports.length; i += 2) {
            pl.addPorts(Port.newBuilder().setServicePort(ports[i]).setTargetPort(ports[i + 1]));
        }
        return w.putServices(ns + "/" + host, pl.build());
    }

    /** A ClusterIP service with one VIP on the default network and port pairs {@code svcPort, targetPort, ...}. */
    public static Service.Builder service(String ns, String name, String vip, int... ports) {
        Service.Builder s = Service.newBuilder()
                .setName(name)
                .setNamespace(ns)
                .setHostname(name + "." + ns + ".svc.cluster.local")
                .addAddresses(NetworkAddress.newBuilder().setAddress(ip(vip)));
        for (int i = 0; i < ports.length; i += 2) {
            s.addPorts(Port.newBuilder().setServicePort(ports[i]).setTargetPort(ports[i + 1]));
        }
        return s;
    }

    public static GatewayAddress waypointByHost(String ns, String host) {
        return GatewayAddress.newBuilder()
                .setHostname(NamespacedHostname.newBuilder().setNamespace(ns).setHostname(host))
                .setHboneMtlsPort(15008)
                .build();
    }

    public static GatewayAddress waypointByIp(String ip) {
        return GatewayAddress.newBuilder()
                .setAddress(NetworkAddress.newBuilder().setAddress(ip(ip)))
                .setHboneMtlsPort(15008)
                .build();
    }

    public static String key(Service.Builder s) {
        return s.getNamespace() + "/" + s.getHostname();
    }
}
