package io.ambient4j.conformance.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One ztunnel access-log entry read back from its log file: the event ({@code connection complete} or
 * {@code connection failed}; a waypoint's {@code request complete}) and its {@code key=value} fields, values optionally double-quoted with
 * backslash escapes. The demo shows what ztunnel itself wrote, so it parses the text rather than
 * trusting anything of its own.
 */
public record AccessLogLine(String event, Map<String, String> fields) {
    /** The events ztunnel's access log writes. */
    public static final List<String> EVENTS = List.of("connection complete", "connection failed");

    public AccessLogLine {
        fields = Map.copyOf(fields);
    }

    /** The event the waypoint's access log writes per HTTP request ({@code method=}, {@code path=}, {@code status=}). */
    public static final String REQUEST_EVENT = "request complete";

    /** The entry in one log line, if the line carries one (pure). */
    public static Optional<AccessLogLine> parse(String line) {
        return parse(line, EVENTS);
    }

    /** The waypoint's per-request entry in one log line, if the line carries one (pure). */
    public static Optional<AccessLogLine> parseRequest(String line) {
        return parse(line, List.of(REQUEST_EVENT));
    }

    private static Optional<AccessLogLine> parse(String line, List<String> events) {
        for (String event : events) {
            int at = line.indexOf(event + " ");
            if (at >= 0) {
                return Optional.of(new AccessLogLine(event, fields(line.substring(at + event.length() + 1))));
            }
        }
        return Optional.empty();
    }

    public String field(String key) {
        return fields.getOrDefault(key, "");
    }

    /** The address part of {@code src.addr} ({@code 10.244.1.10:40119} → {@code 10.244.1.10}). */
    public String sourceIp() {
        String a = field("src.addr");
        int colon = a.lastIndexOf(':');
        return colon < 0 ? a : a.substring(0, colon);
    }

    public boolean failed() {
        return event.equals("connection failed") || fields.containsKey("error");
    }

    static Map<String, String> fields(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = text.substring(i, eq);
            if (key.isEmpty() || key.contains(" ")) {
                throw new MalformedException(
                        MalformedException.Reason.NO_KEY, "no key before '=' at column " + i + " of: " + text);
            }
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    char c = text.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        c = text.charAt(++i);
                    }
                    v.append(c);
                    i++;
                }
                if (i >= n) {
                    throw new MalformedException(
                            MalformedException.Reason.UNTERMINATED_QUOTE,
                            "unterminated quote in " + key + " of: " + text);
                }
                i++;
            } else {
                while (i < n && text.charAt(i) != ' ') {
                    v.append(text.charAt(i++));
                }
            }
            out.put(key, v.toString());
        }
        return out;
    }

    /** An access-log line ztunnel would not write; the demo stops rather than guess what it meant. */
    public static final class MalformedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /** What is wrong with the line. */
        public enum Reason {
            NO_KEY,
            UNTERMINATED_QUOTE
        }

        private final Reason reason;

        public MalformedException(Reason reason, String message) {
            super("access log line: " + message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
