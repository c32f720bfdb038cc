package io.ambient4j.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.testing.TestPki;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real TLS 1.3 handshakes over 127.0.0.1 with mesh certificates (spec §2.1, §12 item 6). */
class MtlsTest {

    private static final SpiffeId CLIENT = SpiffeId.of("", "default", "sleep");
    private static final SpiffeId SERVER = SpiffeId.of("", "default", "httpbin");
    private static final SpiffeId OTHER = SpiffeId.of("", "default", "other");

    private static TestPki pki;
    private static CertifiedKey client;
    private static CertifiedKey server;

    @BeforeAll
    static void issue() {
        pki = TestPki.create();
        client = pki.issue(CLIENT);
        server = pki.issue(SERVER);
    }

    @Test
    void hboneHandshakeWithMatchingSansNegotiatesTls13H2AndNoSni() throws Exception {
        try (Loopback loop = new Loopback(pki.serverContext(server))) {
            Loopback.Result r = loop.connect(pki.clientContext(client, SERVER, OTHER));
            assertThat(r.client().ok()).as(r.client().messages()).isTrue();
            assertThat(r.server().ok()).as(r.server().messages()).isTrue();
            Loopback.Side c = r.client().side();
            Loopback.Side s = r.server().side();
            assertThat(c.alpn()).isEqualTo("h2");
            assertThat(s.alpn()).isEqualTo("h2");
            assertThat(c.session().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(Mtls.CIPHER_SUITES).contains(c.session().getCipherSuite());
            assertThat(s.requestedServerNames()).as("SNI names sent").isZero();
            assertThat(s.echoed()).isEqualTo(41);
            assertThat(c.echoed()).isEqualTo(42);
            assertThat(Mtls.peerIdentity(s.session())).isEqualTo(CLIENT);
            assertThat(Mtls.peerIdentity(c.session())).isEqualTo(SERVER);
        }
    }

    @Test
    void clientRejectsServerWhoseSanIsNotExpected() throws Exception {
        try (Loopback loop = new Loopback(pki.serverContext(server))) {
            Loopback.Result r = loop.connect(pki.clientContext(client, OTHER));
            assertThat(r.client().ok()).isFalse();
            assertThat(r.client().messages())
                    .contains("peer identity mismatch: saw URI SANs [spiffe://cluster.local/ns/default/sa/httpbin],"
                            + " expected one of [spiffe://cluster.local/ns/default/sa/other]");
            assertThat(r.server().ok()).isFalse();
        }
    }

    @Test
    void C071_serverRejectsClientFromAnotherTrustDomain() throws Exception {
        SpiffeId foreignTd = SpiffeId.parse("spiffe://clusterset.local/ns/default/sa/my-app");
        CertifiedKey intruder = pki.issue(foreignTd); // same CA, other trust domain
        try (Loopback loop = new Loopback(pki.serverContext(server))) {
            Loopback.Result r = loop.connect(pki.clientContext(intruder, SERVER));
            assertThat(r.server().ok()).isFalse();
            assertThat(r.server().messages())
                    .contains("peer trust domain mismatch: saw [spiffe://clusterset.local/ns/default/sa/my-app],"
                            + " expected trust domain cluster.local");
            assertThat(r.client().ok()).as("the client's connection fails too").isFalse();
        }
    }

    @Test
    void serverRejectsClientCertificateFromAForeignCa() throws Exception {
        TestPki foreign = TestPki.create();
        CertifiedKey stranger = foreign.issue(CLIENT); // right identity, wrong CA
        try (Loopback loop = new Loopback(pki.serverContext(server))) {
            Loopback.Result r = loop.connect(Mtls.clientContext(stranger, pki.roots(), Set.of(SERVER)));
            assertThat(r.server().ok()).isFalse();
            assertThat(r.server().messages())
                    .contains("client certificate (URI SANs [spiffe://cluster.local/ns/default/sa/sleep]")
                    .contains("does not chain to the mesh roots");
            assertThat(r.client().ok()).isFalse();
        }
    }

    @Test
    void clientRejectsServerCertificateFromAForeignCa() throws Exception {
        TestPki foreign = TestPki.create();
        CertifiedKey impostor = foreign.issue(SERVER);
        try (Loopback loop = new Loopback(Mtls.serverContext(impostor, pki.roots(), "cluster.local"))) {
            Loopback.Result r = loop.connect(pki.clientContext(client, SERVER));
            assertThat(r.client().ok()).isFalse();
            assertThat(r.client().messages())
                    .contains("server certificate")
                    .contains("does not chain to the mesh roots");
        }
    }

    @Test
    void expiredClientCertificateIsRejected() throws Exception {
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        CertifiedKey expired = pki.issue(CLIENT, twoDaysAgo, Duration.ofHours(1));
        try (Loopback loop = new Loopback(pki.serverContext(server))) {
            Loopback.Result r = loop.connect(pki.clientContext(expired, SERVER));
            assertThat(r.server().ok()).isFalse();
            assertThat(r.server().messages())
                    .contains("does not chain to the mesh roots")
                    .containsIgnoringCase("expired");
            assertThat(r.client().ok()).isFalse();
        }
    }

    @Test
    void hboneServerRequiresAClientCertificate() throws Exception {
        try (Loopback loop = new Loopback(pki.serverContext(server))) {
            SSLContext noCert = Mtls.clientContext(null, Mtls.trustManager(pki.roots(), PeerCheck.none()));
            Loopback.Result r = loop.connect(noCert);
            assertThat(r.server().ok()).isFalse();
            assertThat(r.client().ok()).isFalse();
        }
    }

    @Test
    void istiodPortAcceptsClientsWithAndWithoutCertificateAndChecksItsDnsName() throws Exception {
        CertifiedKey istiod = pki.ca().issueDnsCertificate(List.of("istiod.istio-system.svc"), Duration.ofHours(1));
        try (Loopback loop = new Loopback(Mtls.serverAuthOnlyContext(istiod, pki.roots()))) {
            Loopback.Result anonymous =
                    loop.connect(Mtls.istiodClientContext(null, pki.roots(), "istiod.istio-system.svc"));
            assertThat(anonymous.client().ok())
                    .as(anonymous.client().messages())
                    .isTrue();
            assertThat(anonymous.server().ok())
                    .as(anonymous.server().messages())
                    .isTrue();
            assertThat(anonymous.client().side().alpn()).isEqualTo("h2");
            assertThatThrownBy(() -> Mtls.peerIdentity(anonymous.server().side().session()))
                    .isInstanceOfSatisfying(
                            TlsException.class,
                            e -> assertThat(e.reason()).isEqualTo(TlsException.Reason.NO_PEER_IDENTITY));

            Loopback.Result withCert =
                    loop.connect(Mtls.istiodClientContext(client, pki.roots(), "istiod.istio-system.svc"));
            assertThat(withCert.server().ok()).as(withCert.server().messages()).isTrue();
            assertThat(Mtls.peerIdentity(withCert.server().side().session())).isEqualTo(CLIENT);

            Loopback.Result wrongName = loop.connect(Mtls.istiodClientContext(null, pki.roots(), "istiod.other.svc"));
            assertThat(wrongName.client().ok()).isFalse();
            assertThat(wrongName.client().messages())
                    .contains(
                            "server DNS name mismatch: saw DNS SANs [istiod.istio-system.svc], expected istiod.other.svc");
        }
    }

    @Test
    void clientsNeverResumeSessions() throws Exception {
        AtomicInteger fullHandshakes = new AtomicInteger();
        X509ExtendedTrustManager counting =
                counting(Mtls.trustManager(pki.roots(), PeerCheck.trustDomain("cluster.local")), fullHandshakes);
        try (Loopback loop = new Loopback(Mtls.serverContext(server, counting, Mtls.ClientAuth.REQUIRED))) {
            // Control: a plain JDK client context with the same managers does resume, so the count can tell.
            SSLContext plain = SSLContext.getInstance("TLSv1.3");
            plain.init(
                    new KeyManager[] {Mtls.keyManager(client)},
                    new TrustManager[] {Mtls.trustManager(pki.roots(), PeerCheck.none())},
                    new SecureRandom());
            loop.rawClient(plain);
            loop.rawClient(plain);
            assertThat(fullHandshakes.get())
                    .as("control: the JDK resumes by default")
                    .isEqualTo(1);

            fullHandshakes.set(0);
            SSLContext mesh = pki.clientContext(client, SERVER);
            for (int i = 0; i < 3; i++) {
                Loopback.Result r = loop.connect(mesh);
                assertThat(r.client().ok()).as(r.client().messages()).isTrue();
            }
            assertThat(fullHandshakes.get()).isEqualTo(3);
        }
    }

    @Test
    void enginesFromMeshContextsCarryTheMeshParameters() {
        SSLEngine clientEngine = pki.clientContext(client, SERVER).createSSLEngine("example.com", 443);
        assertThat(clientEngine.getUseClientMode()).isTrue();
        assertThat(clientEngine.getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(clientEngine.getEnabledCipherSuites())
                .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256");
        assertThat(clientEngine.getSSLParameters().getApplicationProtocols()).containsExactly("h2");
        assertThat(clientEngine.getSSLParameters().getServerNames()).isEmpty();
        assertThat(clientEngine.getPeerHost())
                .as("peer host is dropped: no SNI, no resumption key")
                .isNull();

        SSLEngine serverEngine = pki.serverContext(server).createSSLEngine();
        assertThat(serverEngine.getUseClientMode()).isFalse();
        assertThat(serverEngine.getNeedClientAuth()).isTrue();
        assertThat(serverEngine.getSSLParameters().getApplicationProtocols()).containsExactly("h2");
    }

    @Test
    void peerChecksExplainWhatWasSeenAndExpected() {
        X509Certificate leaf = server.leaf();
        assertThatThrownBy(() -> PeerCheck.oneOf(Set.of(CLIENT, OTHER)).check(leaf))
                .hasMessage("peer identity mismatch: saw URI SANs [spiffe://cluster.local/ns/default/sa/httpbin],"
                        + " expected one of [spiffe://cluster.local/ns/default/sa/other,"
                        + " spiffe://cluster.local/ns/default/sa/sleep]");
        assertThatThrownBy(() -> PeerCheck.trustDomain("example.org").check(leaf))
                .hasMessage("peer trust domain mismatch: saw [spiffe://cluster.local/ns/default/sa/httpbin],"
                        + " expected trust domain example.org");
        assertThatThrownBy(() -> PeerCheck.dnsName("istiod.istio-system.svc").check(leaf))
                .hasMessage("server DNS name mismatch: saw DNS SANs [], expected istiod.istio-system.svc");
    }

    private static X509ExtendedTrustManager counting(X509ExtendedTrustManager delegate, AtomicInteger count) {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                count.incrementAndGet();
                delegate.checkClientTrusted(chain, authType, socket);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                delegate.checkServerTrusted(chain, authType, socket);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                count.incrementAndGet();
                delegate.checkClientTrusted(chain, authType, engine);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                delegate.checkServerTrusted(chain, authType, engine);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                count.incrementAndGet();
                delegate.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                delegate.checkServerTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return delegate.getAcceptedIssuers();
            }
        };
    }
}
