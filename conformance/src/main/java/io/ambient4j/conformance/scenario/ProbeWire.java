package io.ambient4j.conformance.scenario;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probe's result as text, so a probe run in a cluster pod ({@code kubectl exec <pod> -- ... probe <url>}) hands
 * the runner the same {@link Outcome} a probe in a local pod namespace returns. One field per line,
 * {@code key=value} with every value base64 (bodies hold newlines and anything else), between a version line and an
 * {@code end} line so a truncated answer is told from a complete one:
 *
 * <pre>
 * a4j-probe 1
 * error=cmVmdXNlZA==          absent on success
 * detail=...
 * status=MjAw                 HTTP status, absent for TCP
 * header=&lt;name&gt;:&lt;value&gt;   one per response header, both base64
 * body=...
 * reply=...
 * end
 * </pre>
 */
public final class ProbeWire {
    /** The first line of every answer. */
    public static final String VERSION_LINE = "a4j-probe 1";

    private static final Base64.Encoder ENC = Base64.getEncoder();
    private static final Base64.Decoder DEC = Base64.getDecoder();

    private ProbeWire() {}

    /** The text form of an outcome (pure). */
    public static String encode(Outcome o) {
        StringBuilder b = new StringBuilder(VERSION_LINE).append('\n');
        field(b, "error", o.error());
        field(b, "detail", o.detail());
        field(b, "status", o.status() == null ? null : o.status().toString());
        o.headers()
                .forEach((k, v) -> b.append("header=")
                        .append(b64(k))
                        .append(':')
                        .append(b64(v))
                        .append('\n'));
        field(b, "body", o.body());
        field(b, "reply", o.reply());
        return b.append("end\n").toString();
    }

    /**
     * Reads an answer back (pure). Text before the version line (a JVM warning on stdout) is ignored; anything else
     * that is not this format is a {@link ProbeWireException} naming what was wrong.
     */
    public static Outcome decode(String text) {
        List<String> lines = text.lines().toList();
        int start = lines.indexOf(VERSION_LINE);
        if (start < 0) {
            throw new ProbeWireException("no '" + VERSION_LINE + "' line in the probe's output: " + excerpt(text));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.equals("end")) {
                String status = fields.get("status");
                Integer code;
                try {
                    code = status == null ? null : Integer.valueOf(status);
                } catch (NumberFormatException e) {
                    throw new ProbeWireException("status '" + status + "' is not a number");
                }
                return new Outcome(
                        fields.get("error"),
                        fields.get("detail"),
                        code,
                        Map.copyOf(headers),
                        fields.getOrDefault("body", ""),
                        fields.getOrDefault("reply", ""));
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ProbeWireException("not a key=value line: " + excerpt(line));
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("header")) {
                int colon = value.indexOf(':');
                if (colon < 0) {
                    throw new ProbeWireException("header line without ':' " + excerpt(line));
                }
                headers.put(unb64(value.substring(0, colon)), unb64(value.substring(colon + 1)));
            } else if (List.of("error", "detail", "status", "body", "reply").contains(key)) {
                fields.put(key, unb64(value));
            } else {
                throw new ProbeWireException("unknown field '" + key + "'");
            }
        }
        throw new ProbeWireException("the probe's output ends without an 'end' line (truncated?): " + excerpt(text));
    }

    private static void field(StringBuilder b, String key, String value) {
        if (value != null) {
            b.append(key).append('=').append(b64(value)).append('\n');
        }
    }

    private static String b64(String s) {
        return ENC.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        try {
            return new String(DEC.decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ProbeWireException("a value is not base64: " + excerpt(s));
        }
    }

    private static String excerpt(String s) {
        String one = s.replace('\n', ' ').strip();
        return one.length() > 200 ? one.substring(0, 200) + "..." : "'" + one + "'";
    }

    /** The probe's output is not an answer in this format (its message says how). */
    public static final class ProbeWireException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ProbeWireException(String message) {
            super(message);
        }
    }
}
