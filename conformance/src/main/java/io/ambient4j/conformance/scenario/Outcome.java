package io.ambient4j.conformance.scenario;

import java.util.Map;

/**
 * What one probe connection observed. {@code error} is null on success, else one of refused, reset,
 * timeout, eof, other (with {@code detail}). For HTTP: status, headers and body; for TCP: everything
 * the server sent ({@code reply}).
 */
public record Outcome(
        String error, String detail, Integer status, Map<String, String> headers, String body, String reply) {
    public static Outcome failed(String error, String detail) {
        return new Outcome(error, detail, null, Map.of(), "", "");
    }

    public static Outcome http(int status, Map<String, String> headers, String body) {
        return new Outcome(null, null, status, Map.copyOf(headers), body, "");
    }

    public static Outcome tcp(String reply) {
        return new Outcome(null, null, null, Map.of(), "", reply);
    }

    public String describe() {
        if (error != null) {
            return error + (detail == null ? "" : " (" + detail + ")");
        }
        if (status != null) {
            return "HTTP " + status;
        }
        return "TCP reply " + reply.length() + " bytes";
    }
}
