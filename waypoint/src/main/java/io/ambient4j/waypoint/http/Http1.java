package io.ambient4j.waypoint.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP/1.1 codec the waypoint speaks on both sides of a tunnel: request and response heads, body framing
 * (Content-Length, chunked, until-close), body copy with re-framing, and head serialization. Limits follow Envoy's
 * defaults (60 KiB of headers, 100 fields); anything malformed is an {@link HttpException} with the status to send.
 * Works on {@link HttpInput}/{@link OutputStream} so it is tested on bytes.
 */
public final class Http1 {
    /** Envoy's {@code max_request_headers_kb} default. */
    public static final int MAX_HEADER_BYTES = 60 * 1024;
    /** Envoy's {@code max_headers_count} default. */
    public static final int MAX_HEADER_COUNT = 100;

    public static final int MAX_REQUEST_LINE = 16 * 1024;
    private static final int MAX_CHUNK_LINE = 1024;

    private Http1() {}

    /**
     * The next request head, or empty when the stream ended cleanly between requests.
     *
     * @throws HttpException for a malformed line or header section, or one over the limits
     * @throws IOException when the stream fails or ends mid-head
     */
    public static Optional<RequestHead> readRequestHead(HttpInput in) throws IOException, HttpException {
        String line;
        try {
            line = in.readLine(MAX_REQUEST_LINE);
            // RFC 9112 §2.2: ignore at least one empty line before the request line.
            if (line != null && line.isEmpty()) {
                line = in.readLine(MAX_REQUEST_LINE);
            }
        } catch (HttpInput.LineTooLongException e) {
            throw new HttpException(HttpException.Reason.URI_TOO_LONG, "request line over " + MAX_REQUEST_LINE);
        }
        if (line == null) {
            return Optional.empty();
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !validTarget(parts[1])) {
            throw new HttpException(HttpException.Reason.BAD_REQUEST_LINE, "malformed request line: " + trim(line));
        }
        String version = parts[2];
        if (!version.startsWith("HTTP/1.")) {
            throw new HttpException(
                    version.startsWith("HTTP/")
                            ? HttpException.Reason.UNSUPPORTED_VERSION
                            : HttpException.Reason.BAD_REQUEST_LINE,
                    "version " + trim(version));
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpException(HttpException.Reason.UNSUPPORTED_VERSION, "version " + trim(version));
        }
        HeaderList headers = readHeaders(in, MAX_HEADER_BYTES - line.length());
        if (version.equals("HTTP/1.1") && headers.all("host").size() != 1) {
            throw new HttpException(HttpException.Reason.BAD_HEADER, "HTTP/1.1 needs exactly one Host header");
        }
        return Optional.of(new RequestHead(parts[0], parts[1], version, headers));
    }

    /** A response head; 1xx interim responses are skipped (except 101, which is returned). */
    public static ResponseHead readResponseHead(HttpInput in) throws IOException, HttpException {
        while (true) {
            String line;
            try {
                line = in.readLine(MAX_REQUEST_LINE);
            } catch (HttpInput.LineTooLongException e) {
                throw new HttpException(HttpException.Reason.BAD_RESPONSE, "status line too long");
            }
            if (line == null) {
                throw new EOFException("upstream closed before a response");
            }
            if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' ') {
                throw new HttpException(HttpException.Reason.BAD_RESPONSE, "malformed status line: " + trim(line));
            }
            int status;
            try {
                status = Integer.parseInt(line.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new HttpException(HttpException.Reason.BAD_RESPONSE, "bad status: " + trim(line));
            }
            String reason = line.length() > 13 ? line.substring(13) : "";
            HeaderList headers;
            try {
                headers = readHeaders(in, MAX_HEADER_BYTES);
            } catch (HttpException e) {
                throw new HttpException(HttpException.Reason.BAD_RESPONSE, e.getMessage());
            }
            if (status >= 100 && status < 200 && status != 101) {
                continue;
            }
            return new ResponseHead(line.substring(0, 8), status, reason, headers);
        }
    }

    static HeaderList readHeaders(HttpInput in, int budget) throws IOException, HttpException {
        HeaderList headers = new HeaderList();
        int count = 0;
        int used = 0;
        while (true) {
            String line;
            try {
                line = in.readLine(Math.max(0, budget - used));
            } catch (HttpInput.LineTooLongException e) {
                throw new HttpException(
                        HttpException.Reason.HEADERS_TOO_LARGE, "header section over " + MAX_HEADER_BYTES + " bytes");
            }
            if (line == null) {
                throw new EOFException("stream ended inside the header section");
            }
            used += line.length() + 2;
            if (line.isEmpty()) {
                return headers;
            }
            if (++count > MAX_HEADER_COUNT) {
                throw new HttpException(
                        HttpException.Reason.HEADERS_TOO_LARGE, "more than " + MAX_HEADER_COUNT + " header fields");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new HttpException(HttpException.Reason.BAD_HEADER, "obsolete line folding");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new HttpException(HttpException.Reason.BAD_HEADER, "malformed header: " + trim(line));
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == 0 || c == '\r' || c == '\n') {
                    throw new HttpException(HttpException.Reason.BAD_HEADER, "control character in a header value");
                }
            }
            headers.add(line.substring(0, colon), value);
        }
    }

    /** The body framing of a request (RFC 9112 §6.3); rejects ambiguous framing (smuggling). */
    public static Framing requestFraming(HeaderList h) throws HttpException {
        List<String> te = h.all("transfer-encoding");
        List<String> cl = h.all("content-length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new HttpException(
                        HttpException.Reason.BAD_CONTENT_LENGTH, "both Transfer-Encoding and Content-Length");
            }
            String last = String.join(",", te);
            String[] codings = last.split(",");
            if (!codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
                throw new HttpException(
                        HttpException.Reason.UNSUPPORTED_TRANSFER_ENCODING, "transfer-encoding " + trim(last));
            }
            if (codings.length > 1) {
                throw new HttpException(
                        HttpException.Reason.UNSUPPORTED_TRANSFER_ENCODING, "transfer-encoding " + trim(last));
            }
            return new Framing.Chunked();
        }
        if (!cl.isEmpty()) {
            long len = contentLength(cl);
            return len == 0 ? new Framing.None() : new Framing.Length(len);
        }
        return new Framing.None();
    }

    /** The body framing of a response to a request with {@code method}. */
    public static Framing responseFraming(String method, ResponseHead r) throws HttpException {
        int s = r.status();
        if (method.equals("HEAD") || s == 204 || s == 304 || (s >= 100 && s < 200)) {
            return new Framing.None();
        }
        if (r.headers().hasToken("transfer-encoding", "chunked")) {
            return new Framing.Chunked();
        }
        List<String> cl = r.headers().all("content-length");
        if (!cl.isEmpty()) {
            try {
                long len = contentLength(cl);
                return len == 0 ? new Framing.None() : new Framing.Length(len);
            } catch (HttpException e) {
                throw new HttpException(HttpException.Reason.BAD_RESPONSE, e.getMessage());
            }
        }
        return new Framing.UntilClose();
    }

    private static long contentLength(List<String> values) throws HttpException {
        long len = -1;
        for (String v : values) {
            for (String part : v.split(",")) {
                String p = part.strip();
                if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(Character::isDigit)) {
                    throw new HttpException(HttpException.Reason.BAD_CONTENT_LENGTH, "content-length " + trim(v));
                }
                long n = Long.parseLong(p);
                if (len >= 0 && n != len) {
                    throw new HttpException(HttpException.Reason.BAD_CONTENT_LENGTH, "conflicting content-length");
                }
                len = n;
            }
        }
        return len;
    }

    /**
     * Reads a whole request body into memory, at most {@code max} bytes.
     *
     * @throws HttpException 413 when larger, 400 for a malformed chunk
     */
    public static byte[] readBody(HttpInput in, Framing f, int max) throws IOException, HttpException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        switch (f) {
            case Framing.None n -> {}
            case Framing.Length(long len) -> {
                if (len > max) {
                    throw new HttpException(HttpException.Reason.BODY_TOO_LARGE, len + " bytes > " + max);
                }
                copyExactly(in, len, out);
            }
            case Framing.Chunked c -> copyChunks(in, out, max);
            case Framing.UntilClose u -> copyUntilClose(in, out, max);
        }
        return out.toByteArray();
    }

    /**
     * Copies a response body to {@code out} as it arrives, in the framing {@code outFraming} (chunked re-encoding when
     * the body is chunked or delimited by close). Returns the body bytes copied.
     */
    public static long copyBody(HttpInput in, Framing f, OutputStream out, boolean chunkOut)
            throws IOException, HttpException {
        OutputStream target = chunkOut ? new ChunkedOutput(out) : out;
        long n = switch (f) {
            case Framing.None none -> 0;
            case Framing.Length(long len) -> copyExactly(in, len, target);
            case Framing.Chunked c -> copyChunks(in, target, Long.MAX_VALUE);
            case Framing.UntilClose u -> copyUntilClose(in, target, Long.MAX_VALUE);
        };
        if (chunkOut) {
            ((ChunkedOutput) target).finish();
        }
        out.flush();
        return n;
    }

    private static long copyExactly(HttpInput in, long len, OutputStream out) throws IOException {
        byte[] b = new byte[16 * 1024];
        long left = len;
        while (left > 0) {
            int r = in.read(b, 0, (int) Math.min(b.length, left));
            if (r < 0) {
                throw new EOFException("body ended " + left + " bytes early");
            }
            out.write(b, 0, r);
            left -= r;
        }
        return len;
    }

    private static long copyUntilClose(HttpInput in, OutputStream out, long max) throws IOException, HttpException {
        byte[] b = new byte[16 * 1024];
        long total = 0;
        int r;
        while ((r = in.read(b, 0, b.length)) >= 0) {
            total += r;
            if (total > max) {
                throw new HttpException(HttpException.Reason.BODY_TOO_LARGE, "body over " + max + " bytes");
            }
            out.write(b, 0, r);
            out.flush();
        }
        return total;
    }

    private static long copyChunks(HttpInput in, OutputStream out, long max) throws IOException, HttpException {
        long total = 0;
        while (true) {
            String line;
            try {
                line = in.readLine(MAX_CHUNK_LINE);
            } catch (HttpInput.LineTooLongException e) {
                throw new HttpException(HttpException.Reason.BAD_CHUNK, "chunk-size line too long");
            }
            if (line == null) {
                throw new EOFException("stream ended before the last chunk");
            }
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
            if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new HttpException(HttpException.Reason.BAD_CHUNK, "chunk size " + trim(line));
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                // trailer section, discarded (bounded like headers)
                readHeaders(in, MAX_HEADER_BYTES);
                return total;
            }
            total += size;
            if (total > max) {
                throw new HttpException(HttpException.Reason.BODY_TOO_LARGE, "body over " + max + " bytes");
            }
            copyExactly(in, size, out);
            String crlf = in.readLine(2);
            if (crlf == null || !crlf.isEmpty()) {
                throw new HttpException(HttpException.Reason.BAD_CHUNK, "chunk data not followed by CRLF");
            }
            out.flush();
        }
    }

    /** Writes {@code HTTP/1.1 <status> <reason>} and the fields. */
    public static void writeResponseHead(OutputStream out, int status, String reason, HeaderList h) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        appendFields(sb, h);
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes the request line and the fields. */
    public static void writeRequestHead(OutputStream out, String method, String target, HeaderList h)
            throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        appendFields(sb, h);
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void appendFields(StringBuilder sb, HeaderList h) {
        for (HeaderList.Field f : h.fields()) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        sb.append("\r\n");
    }

    /** The standard reason phrase, or an empty string. */
    public static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 413 -> "Payload Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean validTarget(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= 32 || c >= 127) {
                return false;
            }
        }
        return t.startsWith("/") || t.contains("://") || t.equals("*");
    }

    private static String trim(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }

    /** Chunked transfer-encoding writer. */
    static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;

        ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, off, len);
            out.write(CRLF);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        void finish() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }
}
