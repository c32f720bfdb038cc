package io.ambient4j.ztunnel.identity;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.WorkloadCertificate;

/**
 * Fetches one workload certificate from a CA. An interface so the {@link CertManager}'s scheduling (priority,
 * refresh, backoff) can be driven by any CA that speaks {@code IstioCertificateService}, in production and in tests.
 */
@FunctionalInterface
public interface CaClient {
    /**
     * Generates a key and CSR for {@code id}, asks the CA to sign it and checks the answer (issued SAN equals
     * {@code id}, chain verifies against the returned roots).
     *
     * @throws CertificateFetchException when the CA refuses or the answer is unusable
     */
    WorkloadCertificate fetch(SpiffeId id) throws CertificateFetchException;
}
