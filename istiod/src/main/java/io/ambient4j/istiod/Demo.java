package io.ambient4j.istiod;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.ambient4j.api.ca.IstioCertificateRequest;
import io.ambient4j.api.ca.IstioCertificateResponse;
import io.ambient4j.api.ca.IstioCertificateServiceGrpc;
import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.api.discovery.Node;
import io.ambient4j.api.discovery.Resource;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.workload.Address;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.Pem;
import io.ambient4j.istiod.ca.RootCertPublisher;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code make demo}: istiod on the embedded API server, a sample ambient namespace applied through the API,
 * and a real gRPC delta-ADS client that connects like ztunnel (TLS to 15012 verified with the published
 * {@code root-cert.pem}, bearer token, node id {@code ztunnel~...}) and prints the Address and Authorization
 * resources it receives; then one change arriving as a delta, a certificate for a pod on the node, and the
 * same resources over plaintext 15010. Exits when done.
 */
public final class Demo {
    private static final PrintStream OUT = System.out;
    private static final String NODE = "ztunnel~10.244.0.2~ztunnel-7xk2p.istio-system~istio-system.svc.cluster.local";

    /** Keeps the demo's output to what it shows; held strongly so the levels stick. */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("io.helidon"),
            java.util.logging.Logger.getLogger("io.fabric8"),
            java.util.logging.Logger.getLogger("io.ambient4j"));

    private Demo() {}

    public static void main(String[] args) throws Exception {
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
        IstiodConfig config =
                IstiodConfig.parse(new String[] {"--embedded"}, System.getenv()).onEphemeralLoopbackPorts();
        try (Main.Running running = Main.run(config)) {
            show(running);
        }
        OUT.println("== demo finished; istiod stopped");
    }

    private static void show(Main.Running running) throws Exception {
        Istiod istiod = running.istiod();
        KubernetesClient kube = running.client();
        OUT.println("== istiod (embedded API server): xDS " + istiod.port(IstiodServer.GRPC_XDS) + ", xDS+CA over TLS "
                + istiod.port(IstiodServer.TLS_XDS) + ", metrics " + istiod.port(IstiodServer.HTTP_MONITORING)
                + ", debug " + istiod.port(IstiodServer.HTTP_DEBUG));
        SampleMesh.apply(kube)
                .forEach(o -> OUT.println("   applied " + o.getKind() + " "
                        + (o.getMetadata().getNamespace() == null
                                ? ""
                                : o.getMetadata().getNamespace() + "/")
                        + o.getMetadata().getName()));
        awaitReady(istiod);
        String rootPem = awaitRootCert(kube);
        OUT.println("== root-cert.pem from ConfigMap demo/istio-ca-root-cert: "
                + Pem.decodeCertificate(rootPem).getSubjectX500Principal());

        var ztunnel = kube.pods()
                .inNamespace("istio-system")
                .withName("ztunnel-7xk2p")
                .get();
        String token = running.embedded()
                .orElseThrow()
                .tokens()
                .issue(
                        "istio-system",
                        "ztunnel",
                        ztunnel.getMetadata().getName(),
                        ztunnel.getMetadata().getUid(),
                        List.of("istio-ca"),
                        Duration.ofHours(1));
        ManagedChannel tls = tlsChannel(istiod.port(IstiodServer.TLS_XDS), rootPem, token);
        try {
            Stream ads = new Stream(tls);
            ads.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(TypeUrls.ADDRESS), true);
            DeltaDiscoveryResponse addresses = ads.next();
            print("Address (TLS 15012, wildcard)", addresses);
            ads.ack(addresses);
            ads.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(TypeUrls.AUTHORIZATION), false);
            DeltaDiscoveryResponse policies = ads.next();
            print("Authorization (TLS 15012, wildcard)", policies);
            ads.ack(policies);

            OUT.println("== deleting pod demo/reviews-v1-5f9c6b8d7c-9hwtd");
            kube.pods()
                    .inNamespace("demo")
                    .withName("reviews-v1-5f9c6b8d7c-9hwtd")
                    .delete();
            DeltaDiscoveryResponse delta = ads.next();
            print("delta after the delete", delta);
            ads.close();

            certificate(tls);
        } finally {
            tls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        ManagedChannel plain = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", istiod.port(IstiodServer.GRPC_XDS), InsecureChannelCredentials.create())
                .build();
        try {
            Stream ads = new Stream(plain);
            ads.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(TypeUrls.ADDRESS), true);
            DeltaDiscoveryResponse r = ads.next();
            OUT.println("== plaintext 15010: " + r.getResourcesCount() + " Address resources: "
                    + r.getResourcesList().stream().map(Resource::getName).collect(Collectors.joining(", ")));
            ads.close();
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        OUT.println("== metrics (selected)");
        String metrics =
                http(istiod.port(IstiodServer.HTTP_MONITORING), "/metrics").body();
        metrics.lines()
                .filter(l -> l.startsWith("pilot_xds")
                        || l.startsWith("citadel_server_csr_count")
                        || l.startsWith("citadel_server_success"))
                .forEach(l -> OUT.println("   " + l));
    }

    private static void certificate(ManagedChannel tls) {
        SpiffeId wanted = SpiffeId.of("cluster.local", "demo", "bookinfo-productpage");
        IstioCertificateResponse r = IstioCertificateServiceGrpc.newBlockingStub(tls)
                .createCertificate(IstioCertificateRequest.newBuilder()
                        .setCsr(Csr.create(wanted).csrPem())
                        .setValidityDuration(86400)
                        .setMetadata(Struct.newBuilder()
                                .putFields(
                                        "ImpersonatedIdentity",
                                        Value.newBuilder()
                                                .setStringValue(wanted.uri())
                                                .build()))
                        .build());
        X509Certificate leaf = Pem.decodeCertificate(r.getCertChain(0));
        OUT.println("== CA: ztunnel on node-1 obtained a certificate for " + wanted.uri() + " (chain of "
                + r.getCertChainCount() + ", leaf valid until "
                + leaf.getNotAfter().toInstant() + ")");
    }

    private static void print(String title, DeltaDiscoveryResponse r) throws InvalidProtocolBufferException {
        OUT.println("== " + title + ": " + r.getResourcesCount() + " resources, removed " + r.getRemovedResourcesList()
                + ", nonce " + r.getNonce());
        JsonFormat.Printer json = JsonFormat.printer().omittingInsignificantWhitespace();
        for (Resource res : r.getResourcesList()) {
            Message body = res.getResource().getTypeUrl().equals(TypeUrls.ADDRESS)
                    ? res.getResource().unpack(Address.class)
                    : res.getResource().unpack(Authorization.class);
            OUT.println("-- " + res.getName() + " (version " + res.getVersion() + ")" + summary(body));
            OUT.println("   " + json.print(body));
        }
    }

    private static String summary(Message body) {
        if (body instanceof Address a && a.hasWorkload()) {
            return " workload, IPs "
                    + a.getWorkload().getAddressesList().stream()
                            .map(b -> ip(b.toByteArray()))
                            .toList() + ", identity " + a.getWorkload().getServiceAccount();
        }
        if (body instanceof Address a && a.hasService()) {
            return " service " + a.getService().getHostname() + ", VIPs "
                    + a.getService().getAddressesList().stream()
                            .map(n -> ip(n.getAddress().toByteArray()))
                            .toList();
        }
        return "";
    }

    private static String ip(byte[] b) {
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    private static void awaitReady(Istiod istiod) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (http(istiod.port(IstiodServer.HTTP_DEBUG), "/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("istiod did not become ready within 60s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        OUT.println("== istiod ready (GET /ready = 200)");
    }

    private static String awaitRootCert(KubernetesClient kube) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            ConfigMap cm = kube.configMaps()
                    .inNamespace(SampleMesh.NAMESPACE)
                    .withName(RootCertPublisher.CONFIG_MAP)
                    .get();
            if (cm != null && cm.getData() != null && cm.getData().containsKey(RootCertPublisher.ROOT_CERT_KEY)) {
                return cm.getData().get(RootCertPublisher.ROOT_CERT_KEY);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("istio-ca-root-cert was not published within 30s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static HttpResponse<String> http(int port, String path) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static ManagedChannel tlsChannel(int port, String rootPem, String token) throws IOException {
        ChannelCredentials creds = TlsChannelCredentials.newBuilder()
                .trustManager(new ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII)))
                .build();
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        List<ClientInterceptor> interceptors = List.of(MetadataUtils.newAttachHeadersInterceptor(md));
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, creds)
                .overrideAuthority("istiod.istio-system.svc")
                .intercept(interceptors)
                .build();
    }

    /** A delta ADS stream that queues what the server sends. */
    private static final class Stream {
        private final BlockingQueue<Object> in = new LinkedBlockingQueue<>();
        private final StreamObserver<DeltaDiscoveryRequest> out;

        Stream(ManagedChannel channel) {
            out = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(new StreamObserver<>() {
                @Override
                public void onNext(DeltaDiscoveryResponse value) {
                    in.add(value);
                }

                @Override
                public void onError(Throwable t) {
                    in.add(t);
                }

                @Override
                public void onCompleted() {}
            });
        }

        void send(DeltaDiscoveryRequest.Builder b, boolean first) {
            if (first) {
                b.setNode(Node.newBuilder()
                        .setId(NODE)
                        .setMetadata(Struct.newBuilder()
                                .putAllFields(Map.of(
                                        "NAMESPACE",
                                                Value.newBuilder()
                                                        .setStringValue("istio-system")
                                                        .build(),
                                        "CLUSTER_ID",
                                                Value.newBuilder()
                                                        .setStringValue("Kubernetes")
                                                        .build()))));
            }
            out.onNext(b.build());
        }

        void ack(DeltaDiscoveryResponse r) {
            send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()), false);
        }

        DeltaDiscoveryResponse next() throws InterruptedException {
            Object o = in.poll(30, TimeUnit.SECONDS);
            if (o instanceof DeltaDiscoveryResponse r) {
                return r;
            }
            throw new IllegalStateException("no xDS response: " + o);
        }

        void close() {
            out.onCompleted();
        }
    }
}
