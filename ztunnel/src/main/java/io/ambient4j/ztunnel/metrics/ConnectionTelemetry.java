package io.ambient4j.ztunnel.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place a proxied connection is reported: metrics and access log are fed from the same
 * {@link ConnectionResult}, so a dashboard and a log line always describe the same connection.
 */
public final class ConnectionTelemetry {
    private final TcpMetrics metrics;
    private final AccessLog accessLog;
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong events = new AtomicLong();

    public ConnectionTelemetry(TcpMetrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    /** After the upstream connect succeeded (inbound: before the 200). */
    public void opened(ConnectionResult c) {
        open.incrementAndGet();
        events.incrementAndGet();
        metrics.opened(c);
    }

    /** When both directions are done, or the connection failed after it was opened. */
    public void completed(ConnectionResult c) {
        open.decrementAndGet();
        events.incrementAndGet();
        metrics.closed(c);
        accessLog.complete(c);
    }

    /** A connection refused before it was opened (policy, routing): logged and counted as failed, never opened. */
    public void refused(ConnectionResult c) {
        events.incrementAndGet();
        metrics.refused(c);
        accessLog.failed(c);
    }

    /** How busy the proxies are right now: what the idle memory trim ({@code memory.IdleTrimmer}) decides on. */
    public Activity activity() {
        return new Activity(open.get(), events.get());
    }

    /**
     * Connections opened and not yet completed, and a count of every opened/completed/refused report so far (a
     * change means traffic happened in between, even when the open count is back where it was).
     */
    public record Activity(long openConnections, long events) {}
}
