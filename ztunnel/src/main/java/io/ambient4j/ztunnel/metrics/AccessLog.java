package io.ambient4j.ztunnel.metrics;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.config.LogFormat;
import io.ambient4j.ztunnel.proxy.Authority;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one-line access log (logger {@code access}) with upstream's field names and order (ambient-spec §9):
 * {@code src.addr, src.workload, src.namespace, src.identity, src.cluster, dst.addr, dst.hbone_addr, dst.service,
 * dst.workload, dst.namespace, dst.identity, dst.cluster, direction, bytes_sent, bytes_recv, duration}, then
 * {@code error}. Absent values are left out; identities only appear for mTLS.
 */
public final class AccessLog {
    private static final System.Logger LOG = System.getLogger("access");

    private final LogFormat format;

    public AccessLog(LogFormat format) {
        this.format = format;
    }

    /** Logs {@code connection complete} at INFO, or at ERROR when the connection failed. */
    public void complete(ConnectionResult c) {
        Level level = c.error().isPresent() ? Level.ERROR : Level.INFO;
        if (LOG.isLoggable(level)) {
            LOG.log(level, line("connection complete", c, format));
        }
    }

    /** Logs {@code connection failed} at WARN: an early refusal (policy, routing) before a full result exists. */
    public void failed(ConnectionResult c) {
        if (LOG.isLoggable(Level.WARNING)) {
            LOG.log(Level.WARNING, line("connection failed", c, format));
        }
    }

    private record Field(String key, String value, boolean quoted) {}

    /** The formatted line, pure so tests can pin the exact text. */
    public static String line(String event, ConnectionResult c, LogFormat format) {
        boolean mtls = c.securityPolicy() == SecurityPolicy.MUTUAL_TLS;
        Optional<Workload> src = c.source();
        Optional<Workload> dst = c.destination();
        List<Field> f = new ArrayList<>();
        f.add(new Field("src.addr", Authority.of(c.sourceAddress()), false));
        src.map(Workload::workloadName)
                .filter(s -> !s.isEmpty())
                .ifPresent(v -> f.add(new Field("src.workload", v, true)));
        src.map(Workload::namespace).ifPresent(v -> f.add(new Field("src.namespace", v, true)));
        if (mtls) {
            c.sourcePrincipal().map(SpiffeId::uri).ifPresent(v -> f.add(new Field("src.identity", v, true)));
        }
        src.map(Workload::clusterId).filter(s -> !s.isEmpty()).ifPresent(v -> f.add(new Field("src.cluster", v, true)));
        f.add(new Field("dst.addr", Authority.of(c.destinationAddress()), false));
        c.hboneAuthority().ifPresent(v -> f.add(new Field("dst.hbone_addr", v, false)));
        c.destinationService()
                .map(ServiceDescription::hostname)
                .ifPresent(v -> f.add(new Field("dst.service", v, true)));
        dst.map(Workload::workloadName)
                .filter(s -> !s.isEmpty())
                .ifPresent(v -> f.add(new Field("dst.workload", v, true)));
        dst.map(Workload::namespace).ifPresent(v -> f.add(new Field("dst.namespace", v, true)));
        if (mtls) {
            dst.map(w -> w.identity().uri()).ifPresent(v -> f.add(new Field("dst.identity", v, true)));
        }
        dst.map(Workload::clusterId).filter(s -> !s.isEmpty()).ifPresent(v -> f.add(new Field("dst.cluster", v, true)));
        f.add(new Field("direction", c.direction().label(), true));
        f.add(new Field("bytes_sent", Long.toString(c.bytesSent()), false));
        f.add(new Field("bytes_recv", Long.toString(c.bytesReceived()), false));
        f.add(new Field("duration", c.duration().toMillis() + "ms", true));
        c.error().ifPresent(e -> f.add(new Field("error", e, true)));
        return format == LogFormat.JSON ? json(event, f) : plain(event, f);
    }

    private static String plain(String event, List<Field> fields) {
        StringBuilder sb = new StringBuilder(event);
        for (Field x : fields) {
            sb.append(' ').append(x.key()).append('=');
            sb.append(x.quoted() ? "\"" + x.value().replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : x.value());
        }
        return sb.toString();
    }

    private static String json(String event, List<Field> fields) {
        StringBuilder sb = new StringBuilder("{\"message\":").append(jsonString(event));
        for (Field x : fields) {
            sb.append(',').append(jsonString(x.key())).append(':');
            boolean number = x.key().startsWith("bytes_");
            sb.append(number ? x.value() : jsonString(x.value()));
        }
        return sb.append('}').toString();
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
