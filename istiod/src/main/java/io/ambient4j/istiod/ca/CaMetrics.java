package io.ambient4j.istiod.ca;

import io.ambient4j.istiod.ops.Metrics;

/** The CA metrics under upstream's names ({@code security/pkg/server/ca/monitoring.go}). */
final class CaMetrics {
    final Metrics.Counter csr;
    final Metrics.Counter authnFailure;
    final Metrics.Counter csrParsingError;
    final Metrics.Counter idExtractionError;
    final Metrics.Counter signError;
    final Metrics.Counter success;

    CaMetrics(Metrics registry) {
        csr = registry.counter("citadel_server_csr_count", "The number of CSRs received by Citadel server.");
        authnFailure = registry.counter(
                "citadel_server_authentication_failure_count", "The number of authentication failures.");
        csrParsingError = registry.counter(
                "citadel_server_csr_parsing_err_count", "The number of errors occurred when parsing the CSR.");
        idExtractionError = registry.counter(
                "citadel_server_id_extraction_err_count",
                "The number of errors occurred when extracting the ID from CSR.");
        signError = registry.counter(
                "citadel_server_csr_sign_err_count", "The number of errors occurred when signing the CSR.", "error");
        success = registry.counter(
                "citadel_server_success_cert_issuance_count",
                "The number of certificates issuances that have succeeded.");
    }
}
