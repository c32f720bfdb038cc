package io.ambient4j.ztunnel.metrics;

import static io.ambient4j.ztunnel.metrics.MetricsFixtures.inbound;
import static io.ambient4j.ztunnel.metrics.MetricsFixtures.passthrough;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.ztunnel.config.LogFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One ConnectionResult drives both the counters and the {@code access} log line. */
class ConnectionTelemetryTest {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void attach() {
        Logger.getLogger("access").addHandler(capture);
    }

    @AfterEach
    void detach() {
        Logger.getLogger("access").removeHandler(capture);
    }

    @Test
    void C129_completedFeedsMetricsAndAccessLog() {
        TcpMetrics metrics = new TcpMetrics();
        ConnectionTelemetry t = new ConnectionTelemetry(metrics, new AccessLog(LogFormat.PLAIN));
        ConnectionResult c = inbound(76, 514);
        t.opened(c);
        t.completed(c);
        List<String> labels = TrafficLabels.values(c, ResponseFlags.NONE);
        assertThat(metrics.value("istio_tcp_connections_opened", labels)).isEqualTo(1);
        assertThat(metrics.value("istio_tcp_connections_closed", labels)).isEqualTo(1);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.INFO);
            assertThat(r.getMessage()).isEqualTo(AccessLog.line("connection complete", c, LogFormat.PLAIN));
            assertThat(r.getMessage()).contains("dst.addr=10.0.0.2:15008", "direction=\"inbound\"", "bytes_sent=76");
        });
    }

    @Test
    void refusedIsCountedAsFailedAndLoggedAsWarning() {
        TcpMetrics metrics = new TcpMetrics();
        ConnectionTelemetry t = new ConnectionTelemetry(metrics, new AccessLog(LogFormat.PLAIN));
        ConnectionResult c = passthrough();
        t.refused(c);
        List<String> labels = TrafficLabels.values(c, ResponseFlags.CONNECT);
        assertThat(metrics.value("istio_tcp_connections_failed", labels)).isEqualTo(1);
        assertThat(metrics.value("istio_tcp_connections_opened", TrafficLabels.values(c, ResponseFlags.NONE)))
                .isZero();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(r.getMessage()).startsWith("connection failed ");
        });
    }

    @Test
    void activityCountsOpenConnectionsAndEveryReport() {
        ConnectionTelemetry t = new ConnectionTelemetry(new TcpMetrics(), new AccessLog(LogFormat.PLAIN));
        assertThat(t.activity()).isEqualTo(new ConnectionTelemetry.Activity(0, 0));
        ConnectionResult a = inbound(1, 2);
        ConnectionResult b = inbound(3, 4);
        t.opened(a);
        t.opened(b);
        assertThat(t.activity()).isEqualTo(new ConnectionTelemetry.Activity(2, 2));
        t.completed(a);
        assertThat(t.activity()).isEqualTo(new ConnectionTelemetry.Activity(1, 3));
        t.refused(passthrough());
        assertThat(t.activity()).isEqualTo(new ConnectionTelemetry.Activity(1, 4));
        t.completed(b);
        assertThat(t.activity()).isEqualTo(new ConnectionTelemetry.Activity(0, 5));
    }
}
