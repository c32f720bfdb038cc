package io.ambient4j.ztunnel.dns;

import io.ambient4j.api.workload.IPFamilies;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.api.workload.Service;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.ztunnel.dns.DnsMessage.Rdata;
import io.ambient4j.ztunnel.dns.DnsMessage.ResourceRecord;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.testing.MeshState;
import io.ambient4j.ztunnel.testing.Protos;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A mesh with the shapes the DNS proxy must tell apart, built through the real xDS converter. */
final class DnsFixtures {
    static final DnsClient CLIENT_NS1 = new DnsClient("ns1", "", Optional.of("client"), Optional.of("v1"));

    private DnsFixtures() {}

    static Service.Builder svc(String ns, String name, String host, String... vips) {
        Service.Builder s = Service.newBuilder().setName(name).setNamespace(ns).setHostname(host);
        for (String v : vips) {
            String network = "";
            if (v.contains("/")) {
                network = v.substring(0, v.indexOf('/'));
                v = v.substring(v.indexOf('/') + 1);
            }
            s.addAddresses(NetworkAddress.newBuilder().setNetwork(network).setAddress(Protos.ip(v)));
        }
        return s;
    }

    static Workload.Builder pod(String ns, String name, String... ips) {
        Workload.Builder w = Protos.pod(ns, name, ips[0]);
        for (int i = 1; i < ips.length; i++) {
            w.addAddresses(Protos.ip(ips[i]));
        }
        return w;
    }

    static ProxyState mesh() {
        return new MeshState()
                .workload(pod("ns1", "client", "10.0.0.1"))
                .service(svc("ns1", "productpage", "productpage.ns1.svc.cluster.local", "9.9.9.9"))
                .service(svc("ns2", "example", "example.ns2.svc.cluster.local", "10.10.10.10"))
                .service(svc("ns1", "google", "www.google.com", "1.1.1.1"))
                .service(svc("ns1", "dual", "dual.localhost", "2.2.2.2", "2001:db8::ff00:42:8329"))
                .service(svc("ns1", "ipv6", "ipv6.localhost", "2001:db8::1"))
                .service(svc("ns1", "ipv4", "ipv4.localhost", "3.3.3.3"))
                .service(svc("ns1", "v4only", "v4only.ns1.svc.cluster.local", "4.4.4.4", "2001:db8::4")
                        .setIpFamilies(IPFamilies.IPV4_ONLY))
                .service(svc("ns1", "wild", "*.wildcard", "10.10.10.10"))
                .service(svc("ns1", "wild-b", "*.b.wildcard", "11.11.11.11"))
                .service(svc("ns1", "mesh-wild", "*.svc.mesh.company.net", "10.1.2.3"))
                .service(svc("ns1", "both", "both-networks.ns1.svc.cluster.local", "/21.21.21.21", "nw2/22.22.22.22"))
                .service(svc("ns1", "nw2only", "nw2-only.ns1.svc.cluster.local", "nw2/23.23.23.23"))
                .service(svc("ns1", "headless", "headless.ns1.svc.cluster.local"))
                .workload(Protos.member(
                        pod("ns1", "h0", "30.30.30.30", "2001:db8::30"),
                        "ns1",
                        "headless.ns1.svc.cluster.local",
                        80,
                        80))
                .workload(Protos.member(
                        pod("ns1", "h1", "31.31.31.31", "2001:db8::31"),
                        "ns1",
                        "headless.ns1.svc.cluster.local",
                        80,
                        80))
                .service(svc("ns1", "nginx", "nginx.ns1.svc.cluster.local"))
                .workload(
                        Protos.member(pod("ns1", "web-0", "40.40.40.40"), "ns1", "nginx.ns1.svc.cluster.local", 80, 80))
                .workload(
                        Protos.member(pod("ns1", "web-1", "40.40.40.41"), "ns1", "nginx.ns1.svc.cluster.local", 80, 80))
                .service(svc("ns1", "ext-headless", "headless.example.com"))
                .workload(Protos.member(pod("ns1", "ext", "50.50.50.50"), "ns1", "headless.example.com", 80, 80))
                .service(svc("ns2", "everywhere", "everywhere.io", "10.10.10.113"))
                .service(svc("ns1", "everywhere", "everywhere.io", "10.10.10.112"))
                .service(svc("ns3", "canonical", "canonical.svc", "10.10.10.140"))
                .service(
                        svc("ns2", "canonical", "canonical.svc", "10.10.10.141").setCanonical(true))
                .service(svc("ns2", "hidden", "hidden.io", "10.10.10.150").setVisibility(Service.Visibility.NAMESPACE))
                .build();
    }

    /**
     * Records as text, {@code TYPE owner data}: a leading CNAME stays first, the address records (random order)
     * are sorted.
     */
    static List<String> text(List<ResourceRecord> records) {
        List<String> head = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (ResourceRecord r : records) {
            String data = switch (r.data()) {
                case Rdata.Address a -> a.toString();
                case Rdata.Name n -> n.target().toString();
                case Rdata.Opaque o -> o.toString();
            };
            String line = DnsMessage.typeName(r.type()) + " " + r.name() + " " + data + " ttl=" + r.ttl();
            (r.type() == DnsMessage.TYPE_CNAME ? head : rest).add(line);
        }
        rest.sort(null);
        head.addAll(rest);
        return head;
    }
}
