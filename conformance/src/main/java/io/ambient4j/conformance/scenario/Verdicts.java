package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.echo.EchoReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judges one probe outcome against a check's expectations, as a pure function, so the rules are table
 * tested: which errors count, what "denied" accepts (catalogue CheckDeny: reset, EOF, 403, 503), and how
 * the echo app's report (hostname, source IP, request headers) is read from HTTP bodies and server-first
 * greetings.
 */
public final class Verdicts {
    private static final Pattern GREETING = Pattern.compile("Hostname=(\\S+) IP=(\\S+)");

    private Verdicts() {}

    /** Returns the failures (empty = passed). {@code sourceIp} is already resolved to an address. */
    public static List<String> judge(Scenario.Expect e, Outcome o, String sourceIp) {
        List<String> failures = new ArrayList<>();
        if (Boolean.TRUE.equals(e.denied())) {
            boolean denied = o.error() != null && List.of("reset", "eof").contains(o.error())
                    || o.status() != null && (o.status() == 403 || o.status() == 503);
            if (!denied) {
                failures.add("expected the call to be denied (reset, EOF, 403 or 503), got " + o.describe());
            }
            return failures;
        }
        if (Boolean.FALSE.equals(e.denied()) && o.error() != null) {
            failures.add("expected the call to be allowed, got " + o.describe());
            return failures;
        }
        String wantError = e.error() == null ? "none" : e.error();
        if (wantError.equals("none")) {
            if (o.error() != null) {
                failures.add("expected success, got " + o.describe());
                return failures;
            }
        } else if (wantError.equals("any")) {
            if (o.error() == null) {
                failures.add("expected a connection error, got " + o.describe());
            }
            return failures;
        } else {
            if (!wantError.equals(o.error())) {
                failures.add("expected error '" + wantError + "', got " + o.describe());
            }
            return failures;
        }
        if (e.status() != null && !e.status().equals(o.status())) {
            failures.add("expected HTTP " + e.status() + ", got " + o.describe());
        }
        String text = o.status() != null ? o.body() : o.reply();
        for (String s : e.bodyContains()) {
            if (!text.contains(s)) {
                failures.add("response does not contain '" + s + "'");
            }
        }
        for (String s : e.bodyExcludes()) {
            if (text.contains(s)) {
                failures.add("response contains '" + s + "'");
            }
        }
        if (e.echoed() != null && !o.reply().contains(e.echoed())) {
            failures.add("TCP reply does not echo '" + e.echoed() + "' (got " + abbreviate(o.reply()) + ")");
        }
        Seen seen = seen(o);
        if (e.hostname() != null) {
            if (seen.hostname() == null || !seen.hostname().startsWith(e.hostname())) {
                failures.add("served by '" + seen.hostname() + "', expected a pod named '" + e.hostname() + "*'");
            }
        }
        if (sourceIp != null && !sourceIp.equals(seen.peerIp())) {
            failures.add("the server saw source IP " + seen.peerIp() + ", expected " + sourceIp);
        }
        if (o.status() != null) {
            EchoReply.Parsed parsed = EchoReply.parse(o.body());
            for (Map.Entry<String, String> h : e.requestHeaders().entrySet()) {
                List<String> values =
                        parsed.headers().getOrDefault(h.getKey().toLowerCase(java.util.Locale.ROOT), List.of());
                if (!values.contains(h.getValue())) {
                    failures.add(
                            "the server saw header " + h.getKey() + "=" + values + ", expected '" + h.getValue() + "'");
                }
            }
            for (String h : e.requestHeadersAbsent()) {
                if (parsed.headers().containsKey(h.toLowerCase(java.util.Locale.ROOT))) {
                    failures.add("the server saw header " + h + " that must be absent");
                }
            }
            if (e.l7() != null) {
                boolean l7 = parsed.headers().containsKey("x-request-id");
                if (l7 != e.l7()) {
                    failures.add(
                            e.l7()
                                    ? "expected L7 processing (X-Request-Id), it was L4-only"
                                    : "expected L4-only, but the server saw X-Request-Id (L7-processed)");
                }
            }
        }
        return failures;
    }

    /** What the echo app reported about the connection. */
    public record Seen(String hostname, String peerIp) {}

    /** Reads the echo app's report from an HTTP body or a server-first greeting. */
    public static Seen seen(Outcome o) {
        if (o.status() != null) {
            EchoReply.Parsed p = EchoReply.parse(o.body());
            return new Seen(p.field("Hostname"), p.field("IP"));
        }
        Matcher m = GREETING.matcher(o.reply() == null ? "" : o.reply());
        return m.find() ? new Seen(m.group(1), m.group(2)) : new Seen(null, null);
    }

    /** Checks a metric text; returns the failure, if any. */
    public static Optional<String> metric(String text, String name, Map<String, String> labels, String valueTest) {
        MetricText.Comparison cmp = MetricText.Comparison.parse(valueTest);
        List<MetricText.Sample> found = MetricText.matching(MetricText.parse(text), name, labels);
        if (found.isEmpty()) {
            return Optional.of("no series " + name + labels + " in the metrics");
        }
        double sum = found.stream().mapToDouble(MetricText.Sample::value).sum();
        return cmp.test(sum) ? Optional.empty() : Optional.of(name + labels + " = " + sum + ", expected " + valueTest);
    }

    /** Checks iptables-save text; returns the failures. */
    public static List<String> rules(String save, List<String> contains, List<String> absent) {
        List<String> failures = new ArrayList<>();
        for (String c : contains) {
            if (!save.contains(c)) {
                failures.add("rules lack '" + c + "'");
            }
        }
        for (String a : absent) {
            if (save.contains(a)) {
                failures.add("rules contain '" + a + "' that must be absent");
            }
        }
        return failures;
    }

    /** A component's log contains every {@code contains} string and no {@code absent} one (pure). */
    public static List<String> log(String instance, String log, List<String> contains, List<String> absent) {
        List<String> failures = new ArrayList<>();
        for (String c : contains) {
            if (!log.contains(c)) {
                failures.add("the log of " + instance + " lacks '" + c + "'");
            }
        }
        for (String a : absent) {
            if (log.contains(a)) {
                failures.add("the log of " + instance + " contains '" + a + "' that must be absent");
            }
        }
        return failures;
    }

    /** Follows a field path through maps and lists (pure); empty when it leads nowhere. */
    public static Optional<Object> walk(Object root, List<Object> path) {
        Object cur = root;
        for (Object seg : path) {
            if (cur instanceof Map<?, ?> m && seg instanceof String key) {
                cur = m.get(key);
            } else if (cur instanceof List<?> l && seg instanceof Integer i) {
                cur = i < l.size() ? l.get(i) : null;
            } else if (cur instanceof List<?> l && seg instanceof Map<?, ?> sel) {
                cur = l.stream()
                        .filter(e -> e instanceof Map<?, ?> em
                                && sel.entrySet().stream()
                                        .allMatch(x -> String.valueOf(x.getValue())
                                                .equals(String.valueOf(em.get(x.getKey())))))
                        .findFirst()
                        .orElse(null);
            } else {
                cur = null;
            }
            if (cur == null) {
                return Optional.empty();
            }
        }
        return Optional.of(cur);
    }

    /** Judges a field check on an object already converted to maps and lists (pure). */
    public static List<String> field(Object object, Scenario.Field f) {
        Optional<Object> v = object == null ? Optional.empty() : walk(object, f.path());
        if (f.absent()) {
            return v.isEmpty() ? List.of() : List.of(f.path() + " is " + v.get() + ", expected absent");
        }
        if (v.isEmpty()) {
            return List.of(object == null ? "the object does not exist" : f.path() + " is not set");
        }
        String text = String.valueOf(v.get());
        if (f.value() != null && !f.value().equals(text)) {
            return List.of(f.path() + " is '" + abbreviate(text) + "', expected '" + f.value() + "'");
        }
        if (f.contains() != null && !text.contains(f.contains())) {
            return List.of(f.path() + " ('" + abbreviate(text) + "') does not contain '" + f.contains() + "'");
        }
        return List.of();
    }

    static String abbreviate(String s) {
        String t = s.replace("\n", "\\n");
        return t.length() > 80 ? t.substring(0, 80) + "…" : t;
    }
}
