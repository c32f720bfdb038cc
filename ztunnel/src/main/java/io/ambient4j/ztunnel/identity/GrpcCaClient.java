package io.ambient4j.ztunnel.identity;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.ambient4j.api.ca.IstioCertificateRequest;
import io.ambient4j.api.ca.IstioCertificateResponse;
import io.ambient4j.api.ca.IstioCertificateServiceGrpc;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.CsrBuilder;
import io.ambient4j.common.tls.TlsException;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.xds.IstiodChannel;
import io.ambient4j.ztunnel.xds.XdsChannels;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link CaClient}: {@code IstioCertificateService/CreateCertificate} over TLS (ambient-spec §4), with
 * the bearer token re-read on every call and {@code clusterid}. When the identity asked for is not ztunnel's own it
 * sends {@code ImpersonatedIdentity} metadata, which istiod honours for trusted node agents only.
 */
public final class GrpcCaClient implements CaClient, AutoCloseable {
    /** The metadata key istiod reads to sign for a pod on the caller's node. */
    public static final String IMPERSONATED_IDENTITY = "ImpersonatedIdentity";

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final IstiodChannel channel;
    private final SpiffeId ownIdentity;
    private final Duration ttl;
    private final Duration callTimeout;

    /** Takes ownership of {@code channel}: {@link #close()} closes it. */
    public GrpcCaClient(IstiodChannel channel, SpiffeId ownIdentity, Duration ttl) {
        this(channel, ownIdentity, ttl, CALL_TIMEOUT);
    }

    GrpcCaClient(IstiodChannel channel, SpiffeId ownIdentity, Duration ttl, Duration callTimeout) {
        this.channel = channel;
        this.ownIdentity = ownIdentity;
        this.ttl = ttl;
        this.callTimeout = callTimeout;
    }

    /** A client for {@code CA_ADDRESS} with {@code CA_ROOT_CA}, {@code CA_HEADER_*} and {@code SECRET_TTL}. */
    public static GrpcCaClient create(Config cfg) {
        SpiffeId own = new SpiffeId(cfg.trustDomain(), cfg.podNamespace(), cfg.serviceAccount());
        return new GrpcCaClient(XdsChannels.createCa(cfg), own, cfg.secretTtl());
    }

    @Override
    public WorkloadCertificate fetch(SpiffeId id) throws CertificateFetchException {
        Csr.KeyAndCsr kc = CsrBuilder.create(id);
        IstioCertificateRequest.Builder req =
                IstioCertificateRequest.newBuilder().setCsr(kc.csrPem()).setValidityDuration(ttl.toSeconds());
        if (!id.equals(ownIdentity)) {
            req.setMetadata(Struct.newBuilder()
                    .putFields(
                            IMPERSONATED_IDENTITY,
                            Value.newBuilder().setStringValue(id.uri()).build()));
        }
        IstioCertificateResponse resp;
        try {
            resp = IstioCertificateServiceGrpc.newBlockingStub(channel.channel())
                    .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .createCertificate(req.build());
        } catch (StatusRuntimeException e) {
            throw new CertificateFetchException(
                    CertificateFetchException.Reason.CA_UNAVAILABLE,
                    "CreateCertificate for " + id + ": " + e.getStatus(),
                    e);
        }
        try {
            return WorkloadCertificate.fromCaResponse(kc.key(), resp.getCertChainList(), id);
        } catch (TlsException e) {
            throw new CertificateFetchException(CertificateFetchException.Reason.BAD_RESPONSE, e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
