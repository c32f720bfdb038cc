package io.ambient4j.ztunnel.metrics;

/**
 * The one place a proxied connection is reported: metrics and access log are fed from the same
 * {@link ConnectionResult}, so a dashboard and a log line always describe the same connection.
 */
public final class ConnectionTelemetry {
    private final TcpMetrics metrics;
    private final AccessLog accessLog;

    public ConnectionTelemetry(TcpMetrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    /** After the upstream connect succeeded (inbound: before the 200). */
    public void opened(ConnectionResult c) {
        metrics.opened(c);
    }

    /** When both directions are done, or the connection failed after it was opened. */
    public void completed(ConnectionResult c) {
        metrics.closed(c);
        accessLog.complete(c);
    }

    /** A connection refused before it was opened (policy, routing): logged and counted as failed, never opened. */
    public void refused(ConnectionResult c) {
        metrics.refused(c);
        accessLog.failed(c);
    }
}
