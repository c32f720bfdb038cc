package io.ambient4j.ztunnel.proxy;

import io.ambient4j.ztunnel.dns.DnsProxies;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.util.Optional;

/**
 * What every pod's proxy shares: state, certificates, telemetry, knobs, the live-connection manager and, when the DNS
 * proxy is on, the factory of per-pod DNS servers.
 */
record ProxyContext(
        StateUpdater state,
        CertManager certs,
        ConnectionTelemetry telemetry,
        ProxySettings settings,
        DestinationLookup destinations,
        RandomSource random,
        ConnectionManager connections,
        Optional<DnsProxies> dns) {}
