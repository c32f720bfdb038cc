package io.ambient4j.conformance.scenario;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 response, parsed. Pure. The probe asks for {@code Connection: close} but does not rely on it: servers
 * that keep the connection open anyway (Helidon's does) are read up to the end their framing declares.
 */
public record HttpResponseText(int status, Map<String, String> headers, String body) {

    /**
     * Whether the first {@code length} bytes hold a whole response: headers and a body as long as
     * {@code Content-Length} says, or a chunked body up to its last chunk. A response with neither ends at EOF
     * (false here).
     */
    public static boolean complete(byte[] raw, int length) {
        String head = new String(raw, 0, length, StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        int bodyStart = end + 4;
        String headers = head.substring(0, end).toLowerCase(Locale.ROOT);
        for (String line : headers.split("\r\n")) {
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                return head.substring(bodyStart).startsWith("0\r\n\r\n")
                        || head.indexOf("\r\n0\r\n\r\n", bodyStart) >= 0;
            }
        }
        for (String line : headers.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                try {
                    return length - bodyStart
                            >= Long.parseLong(
                                    line.substring("content-length:".length()).strip());
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Parses raw bytes; throws IllegalArgumentException when there is no status line. */
    public static HttpResponseText parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (!all.startsWith("HTTP/") || end < 0) {
            throw new IllegalArgumentException("not an HTTP response (" + raw.length + " bytes)");
        }
        String[] lines = all.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.put(
                        lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(c + 1).strip());
            }
        }
        byte[] bodyBytes = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            bodyBytes = dechunk(bodyBytes);
        }
        return new HttpResponseText(status, headers, new String(bodyBytes, StandardCharsets.UTF_8));
    }

    static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int lineEnd = indexOf(b, i);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(b, i, lineEnd - i, StandardCharsets.US_ASCII).split(";")[0].strip();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(b, start, Math.min(size, b.length - start));
            i = start + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
