package io.ambient4j.istiod.ca;

import com.google.protobuf.Value;
import io.ambient4j.api.ca.IstioCertificateRequest;
import io.ambient4j.api.ca.IstioCertificateResponse;
import io.ambient4j.api.ca.IstioCertificateServiceGrpc;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.CsrException;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.TlsException;
import io.ambient4j.istiod.auth.AuthenticationException;
import io.ambient4j.istiod.auth.Authenticator;
import io.ambient4j.istiod.auth.Caller;
import io.ambient4j.istiod.auth.Credentials;
import io.ambient4j.istiod.auth.GrpcCredentials;
import io.ambient4j.istiod.ops.Metrics;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code istio.v1.auth.IstioCertificateService/CreateCertificate}: signs a workload CSR for the caller's own
 * identity, or, for a trusted node proxy, for an identity running on its node ({@code ImpersonatedIdentity}).
 *
 * <p>The SAN comes from who the caller is, never from what the CSR asks. Authentication failures say why
 * (the caller can fix its token); impersonation refusals are opaque, with the reason only in the log, as
 * upstream does so a compromised node learns nothing about other nodes.
 */
public final class CaService extends IstioCertificateServiceGrpc.IstioCertificateServiceImplBase {
    /** The metadata key ztunnel uses to ask for another identity. */
    public static final String IMPERSONATED_IDENTITY = "ImpersonatedIdentity";

    private static final System.Logger LOG = System.getLogger(CaService.class.getName());

    private final Supplier<MeshCa> ca;
    private final Authenticator authenticator;
    private final String trustDomain;
    private final Set<String> trustedNodeAccounts;
    private final NodeAuthorizer.PodFacts pods;
    private final CaMetrics metrics;
    private final Supplier<List<X509Certificate>> transitionRoots;

    /** A CA service whose responses carry only the current CA's roots. */
    public CaService(
            Supplier<MeshCa> ca,
            Authenticator authenticator,
            String trustDomain,
            Set<String> trustedNodeAccounts,
            NodeAuthorizer.PodFacts pods,
            Metrics registry) {
        this(ca, authenticator, trustDomain, trustedNodeAccounts, pods, registry, List::of);
    }

    /**
     * @param ca the current CA (it may be replaced when {@code cacerts} changes)
     * @param authenticator verifies bearer tokens
     * @param trustDomain the mesh trust domain for callers' own identities
     * @param trustedNodeAccounts {@code CA_TRUSTED_NODE_ACCOUNTS} as {@code ns/sa}
     * @param pods pod facts for the node authorizer
     * @param registry metrics
     * @param transitionRoots further roots to trust for now (those a CA change replaced, see
     *     {@link RootTransition}); appended to the response's root bundle so a workload with a new certificate
     *     still trusts peers whose certificates chain to the old root
     */
    public CaService(
            Supplier<MeshCa> ca,
            Authenticator authenticator,
            String trustDomain,
            Set<String> trustedNodeAccounts,
            NodeAuthorizer.PodFacts pods,
            Metrics registry,
            Supplier<List<X509Certificate>> transitionRoots) {
        this.transitionRoots = transitionRoots;
        this.ca = ca;
        this.authenticator = authenticator;
        this.trustDomain = trustDomain;
        this.trustedNodeAccounts = Set.copyOf(trustedNodeAccounts);
        this.pods = pods;
        this.metrics = new CaMetrics(registry);
    }

    @Override
    public void createCertificate(IstioCertificateRequest request, StreamObserver<IstioCertificateResponse> response) {
        metrics.csr.inc();
        Credentials creds = GrpcCredentials.current();
        Caller caller;
        try {
            caller = authenticator.authenticate(creds);
        } catch (AuthenticationException e) {
            metrics.authnFailure.inc();
            LOG.log(
                    System.Logger.Level.WARNING,
                    "CSR from " + creds.peer() + " not authenticated (" + e.reason() + "): " + e.getMessage());
            response.onError(Status.UNAUTHENTICATED
                    .withDescription("request authenticate failure: " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        String csr = request.getCsr();
        if (csr.isBlank()) {
            metrics.csrParsingError.inc();
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("the request carries no CSR")
                    .asRuntimeException());
            return;
        }
        if (csr.length() > Csr.MAX_PEM_LENGTH) {
            metrics.csrParsingError.inc();
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription(
                            "the CSR is " + csr.length() + " bytes, more than the limit of " + Csr.MAX_PEM_LENGTH)
                    .asRuntimeException());
            return;
        }
        SpiffeId identity = SpiffeId.of(trustDomain, caller.namespace(), caller.serviceAccount());
        Value impersonated = request.getMetadata().getFieldsMap().get(IMPERSONATED_IDENTITY);
        if (impersonated != null && !impersonated.getStringValue().isEmpty()) {
            var decision = NodeAuthorizer.decide(trustedNodeAccounts, caller, impersonated.getStringValue(), pods);
            switch (decision) {
                case NodeAuthorizer.Decision.Refused r -> {
                    metrics.authnFailure.inc();
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "impersonation of " + impersonated.getStringValue() + " by " + caller.account() + " pod "
                                    + caller.podName() + " refused (" + r.reason() + "): " + r.detail());
                    response.onError(Status.UNAUTHENTICATED
                            .withDescription("request impersonation authentication failure")
                            .asRuntimeException());
                    return;
                }
                case NodeAuthorizer.Decision.Allowed a -> identity = a.identity();
            }
        }
        MeshCa current = ca.get();
        Duration ttl = Duration.ofSeconds(Math.max(0, request.getValidityDuration()));
        if (ttl.compareTo(current.maxTtl()) > 0) {
            metrics.signError.inc("ttl");
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription(
                            "requested TTL " + ttl + " is greater than the max allowed TTL " + current.maxTtl())
                    .asRuntimeException());
            return;
        }
        X509Certificate leaf;
        try {
            leaf = current.signCsr(csr, identity, ttl);
        } catch (CsrException e) {
            metrics.csrParsingError.inc();
            LOG.log(System.Logger.Level.INFO, "CSR from " + caller.account() + " refused (" + e.reason() + ")");
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("CSR refused (" + e.reason() + "): " + e.getMessage())
                    .asRuntimeException());
            return;
        } catch (TlsException e) {
            metrics.signError.inc("sign");
            LOG.log(System.Logger.Level.ERROR, "signing for " + identity + " failed", e);
            response.onError(Status.INTERNAL
                    .withDescription("CSR signing error: " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        metrics.success.inc();
        SpiffeId issued = identity;
        LOG.log(System.Logger.Level.DEBUG, () -> "issued " + issued.uri() + " to " + caller.account());
        response.onNext(IstioCertificateResponse.newBuilder()
                .addAllCertChain(withTransitionRoots(current, current.responseChain(leaf)))
                .build());
        response.onCompleted();
    }

    /** The chain with the last element (the root bundle) extended by roots still in their transition. */
    private List<String> withTransitionRoots(MeshCa current, List<String> chain) {
        List<X509Certificate> extra = new java.util.ArrayList<>();
        for (X509Certificate r : transitionRoots.get()) {
            if (!current.roots().contains(r) && !extra.contains(r)) {
                extra.add(r);
            }
        }
        if (extra.isEmpty()) {
            return chain;
        }
        List<String> out = new java.util.ArrayList<>(chain);
        out.set(out.size() - 1, chain.getLast() + io.ambient4j.common.tls.Pem.encodeCertificates(extra));
        return List.copyOf(out);
    }
}
