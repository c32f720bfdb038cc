package io.ambient4j.ztunnel.proxy;

import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import io.ambient4j.ztunnel.state.StateUpdater;

/** What every pod's proxy shares: state, certificates, telemetry, knobs and the live-connection manager. */
record ProxyContext(
        StateUpdater state,
        CertManager certs,
        ConnectionTelemetry telemetry,
        ProxySettings settings,
        DestinationLookup destinations,
        RandomSource random,
        ConnectionManager connections) {}
