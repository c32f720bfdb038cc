package io.ambient4j.common.tls;

import io.ambient4j.common.identity.SpiffeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * JDK TLS contexts for the mesh's mutual TLS, with ztunnel's settings (spec §2.1): TLS 1.3 only, suites
 * {@code TLS_AES_256_GCM_SHA384} and {@code TLS_AES_128_GCM_SHA256}, ALPN {@code h2}, no SNI, and no
 * session resumption on clients. Peers are verified by SPIFFE identity, never by hostname: inbound HBONE
 * checks only the trust domain (authorization decides the rest), outbound HBONE requires one of the
 * expected server identities. Every context returned pre-configures its engines and sockets.
 */
public final class Mtls {

    public static final String TLS_1_3 = "TLSv1.3";
    public static final String ALPN_H2 = "h2";
    public static final List<String> CIPHER_SUITES = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256");

    /**
     * Client session caches longer than the JDK's 7-day ticket limit make it discard every TLS 1.3
     * NewSessionTicket, which is how we turn client resumption off per context.
     */
    private static final int NO_TICKETS_SESSION_TIMEOUT = 8 * 24 * 3600;

    /** Whether a server asks for a client certificate. */
    public enum ClientAuth {
        /** Mesh mTLS (HBONE 15008): a client certificate is required. */
        REQUIRED,
        /** istiod's 15012: a client certificate is verified if sent, and optional. */
        OPTIONAL,
        /** Server authentication only. */
        NONE
    }

    private Mtls() {}

    /**
     * Inbound HBONE: presents {@code own}; requires a client certificate chaining to {@code roots} whose
     * SPIFFE trust domain is {@code requiredTrustDomain}.
     */
    public static SSLContext serverContext(CertifiedKey own, List<X509Certificate> roots, String requiredTrustDomain) {
        Objects.requireNonNull(requiredTrustDomain, "requiredTrustDomain");
        return server(
                own, new MeshTrustManager(roots, PeerCheck.trustDomain(requiredTrustDomain)), ClientAuth.REQUIRED);
    }

    /**
     * Outbound HBONE: presents {@code own}; the server chain must reach {@code roots} (hostnames ignored)
     * and its leaf's URI SAN must be one of {@code expectedServerIds}.
     */
    public static SSLContext clientContext(
            CertifiedKey own, List<X509Certificate> roots, Set<SpiffeId> expectedServerIds) {
        Objects.requireNonNull(own, "own");
        if (expectedServerIds == null || expectedServerIds.isEmpty()) {
            throw new IllegalArgumentException("no expected server identities given");
        }
        return client(own, new MeshTrustManager(roots, PeerCheck.oneOf(expectedServerIds)));
    }

    /**
     * istiod's 15012 (xDS and CA over TLS): presents {@code own}; a client certificate is optional and,
     * when sent, must chain to {@code roots}. Callers read it with {@link #peerIdentity} if present.
     */
    public static SSLContext serverAuthOnlyContext(CertifiedKey own, List<X509Certificate> roots) {
        return server(own, new MeshTrustManager(roots, PeerCheck.none()), ClientAuth.OPTIONAL);
    }

    /**
     * ztunnel to istiod: verifies the server chain against {@code roots} and requires {@code
     * expectedDnsSan} (e.g. {@code istiod.istio-system.svc}) among its DNS SANs. {@code own} may be null
     * (the first connection authenticates with a JWT instead).
     */
    public static SSLContext istiodClientContext(CertifiedKey own, List<X509Certificate> roots, String expectedDnsSan) {
        Objects.requireNonNull(expectedDnsSan, "expectedDnsSan");
        return client(own, new MeshTrustManager(roots, PeerCheck.dnsName(expectedDnsSan)));
    }

    /** Any server context with a custom trust manager (tests, or a caller with its own peer check). */
    public static SSLContext serverContext(CertifiedKey own, X509ExtendedTrustManager trust, ClientAuth clientAuth) {
        return server(own, trust, clientAuth);
    }

    /** Any client context with a custom trust manager. */
    public static SSLContext clientContext(CertifiedKey ownOrNull, X509ExtendedTrustManager trust) {
        return client(ownOrNull, trust);
    }

    /** A trust manager: PKIX against {@code roots}, no hostname check, then {@code check} on the leaf. */
    public static X509ExtendedTrustManager trustManager(List<X509Certificate> roots, PeerCheck check) {
        return new MeshTrustManager(roots, check);
    }

    /** A key manager that always presents {@code own} (e.g. for Netty's SslContextBuilder). */
    public static X509ExtendedKeyManager keyManager(CertifiedKey own) {
        return new SingleKeyManager(own);
    }

    /** Mesh parameters for a client: TLS 1.3, the two suites, ALPN h2, no SNI, no hostname check. */
    public static SSLParameters clientParameters() {
        return base();
    }

    /** Mesh parameters for a server with the given client-auth mode. */
    public static SSLParameters serverParameters(ClientAuth clientAuth) {
        SSLParameters p = base();
        switch (clientAuth) {
            case REQUIRED -> p.setNeedClientAuth(true);
            case OPTIONAL -> p.setWantClientAuth(true);
            case NONE -> p.setNeedClientAuth(false);
        }
        return p;
    }

    /** Applies the client parameters to a socket created elsewhere. */
    public static void configureClient(SSLSocket socket) {
        socket.setUseClientMode(true);
        socket.setSSLParameters(clientParameters());
    }

    /** Applies the client parameters to an engine created elsewhere. */
    public static void configureClient(SSLEngine engine) {
        engine.setUseClientMode(true);
        engine.setSSLParameters(clientParameters());
    }

    /** Applies the server parameters to an engine created elsewhere. */
    public static void configureServer(SSLEngine engine, ClientAuth clientAuth) {
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters(clientAuth));
    }

    /** A server-side mutual-TLS socket after its handshake, and the client's mesh identity. */
    public record Accepted(SSLSocket socket, SpiffeId peer) {}

    /**
     * Inbound HBONE's handshake on an accepted TCP socket (ztunnel's 15008 and the waypoint's): wraps it as the TLS
     * server presenting {@code own}, requires a client certificate chaining to {@code roots} in
     * {@code trustDomain}, and returns the handshaken socket with the client's identity. On failure the socket is
     * closed and the cause thrown ({@link TlsException} NO_PEER_IDENTITY when the client has no single SPIFFE ID).
     * The TLS socket is layered on a {@link RecordSocket}, as HBONE's client sockets are.
     */
    public static Accepted acceptMutual(Socket tcp, CertifiedKey own, List<X509Certificate> roots, String trustDomain)
            throws IOException {
        InetSocketAddress from = (InetSocketAddress) tcp.getRemoteSocketAddress();
        SSLSocket tls = (SSLSocket) serverContext(own, roots, trustDomain)
                .getSocketFactory()
                .createSocket(RecordSocket.over(tcp), from.getAddress().getHostAddress(), from.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(serverParameters(ClientAuth.REQUIRED));
        try {
            tls.startHandshake();
            return new Accepted(tls, peerIdentity(tls.getSession()));
        } catch (IOException | TlsException e) {
            tls.close();
            throw e;
        }
    }

    /**
     * Outbound HBONE's handshake on a connected TCP socket (ztunnel's pool, the waypoint's upstreams): the TLS client of
     * {@code context}, with the client parameters, layered on a {@link RecordSocket} as {@link #acceptMutual}'s server
     * is. On failure the socket is closed and the cause thrown.
     */
    public static SSLSocket connectMutual(SSLContext context, Socket tcp) throws IOException {
        InetSocketAddress to = (InetSocketAddress) tcp.getRemoteSocketAddress();
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(RecordSocket.over(tcp), to.getAddress().getHostAddress(), to.getPort(), true);
        configureClient(tls);
        try {
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    /**
     * The peer's mesh identity from a completed handshake: the single SPIFFE URI SAN of its leaf. A
     * {@link TlsException} with reason NO_PEER_IDENTITY when there is no certificate or no single ID.
     */
    public static SpiffeId peerIdentity(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new TlsException(TlsException.Reason.NO_PEER_IDENTITY, "peer presented no certificate", e);
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            throw new TlsException(TlsException.Reason.NO_PEER_IDENTITY, "peer presented no X.509 certificate");
        }
        return SpiffeSans.singleIdentity(leaf);
    }

    private static SSLParameters base() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(new String[] {TLS_1_3});
        p.setCipherSuites(CIPHER_SUITES.toArray(new String[0]));
        p.setApplicationProtocols(new String[] {ALPN_H2});
        p.setServerNames(List.of());
        p.setEndpointIdentificationAlgorithm(null);
        p.setUseCipherSuitesOrder(true);
        return p;
    }

    private static SSLContext server(CertifiedKey own, X509ExtendedTrustManager trust, ClientAuth clientAuth) {
        Objects.requireNonNull(own, "own");
        SSLContext context = init(new KeyManager[] {new SingleKeyManager(own)}, trust);
        return ConfiguredSslContextSpi.wrap(context, () -> serverParameters(clientAuth), false);
    }

    private static SSLContext client(CertifiedKey ownOrNull, X509ExtendedTrustManager trust) {
        KeyManager[] keys = ownOrNull == null ? new KeyManager[0] : new KeyManager[] {new SingleKeyManager(ownOrNull)};
        SSLContext context = init(keys, trust);
        context.getClientSessionContext().setSessionTimeout(NO_TICKETS_SESSION_TIMEOUT);
        context.getClientSessionContext().setSessionCacheSize(1);
        return ConfiguredSslContextSpi.wrap(context, Mtls::clientParameters, true);
    }

    private static SSLContext init(KeyManager[] keys, X509ExtendedTrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance(TLS_1_3);
            context.init(keys, new TrustManager[] {trust}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsException.Reason.CRYPTO_FAILURE, "cannot create a TLS 1.3 context", e);
        }
    }
}
