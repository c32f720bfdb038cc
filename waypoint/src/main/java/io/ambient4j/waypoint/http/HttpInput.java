package io.ambient4j.waypoint.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A buffered byte source for the HTTP/1.1 codec: lines are read with a hard length limit (so a peer cannot make us
 * buffer without bound), bytes already buffered are served before the stream, and the first bytes can be inspected
 * without consuming them (protocol sniffing).
 */
public final class HttpInput {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int end;
    private long consumed;

    public HttpInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    public HttpInput(InputStream in) {
        this(in, 16 * 1024);
    }

    /** Bytes handed out so far (lines, body reads, drained buffer): the request-size metric. */
    public long consumed() {
        return consumed;
    }

    /** Bytes buffered and not yet consumed. */
    public int buffered() {
        return end - pos;
    }

    /**
     * Makes at least {@code n} bytes available (fewer at end of stream) and returns how many are buffered. {@code n}
     * is capped at the buffer size.
     */
    public int fill(int n) throws IOException {
        n = Math.min(n, buf.length);
        if (end - pos >= n) {
            return end - pos;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        while (end < n) {
            int r = in.read(buf, end, buf.length - end);
            if (r < 0) {
                break;
            }
            end += r;
        }
        return end - pos;
    }

    /** The byte at {@code i} past the read position; it must be buffered. */
    public int peek(int i) {
        return buf[pos + i] & 0xFF;
    }

    /** A copy of the buffered, unconsumed bytes (handed to an L4 relay that takes the stream over). */
    public byte[] drainBuffered() {
        byte[] out = java.util.Arrays.copyOfRange(buf, pos, end);
        consumed += out.length;
        pos = end;
        return out;
    }

    /**
     * One line without its CRLF (a bare LF is accepted), or null at end of stream before any byte.
     *
     * @throws LineTooLongException when no line end arrives within {@code limit} bytes
     * @throws java.io.EOFException when the stream ends inside a line
     */
    public String readLine(int limit) throws IOException {
        StringBuilder sb = null;
        int total = 0;
        while (true) {
            if (pos == end) {
                if (fill(1) == 0) {
                    if (sb == null) {
                        return null;
                    }
                    throw new java.io.EOFException("stream ended inside a line");
                }
            }
            for (int i = pos; i < end; i++) {
                if (buf[i] == '\n') {
                    int len = i - pos;
                    total += len;
                    if (total > limit) {
                        throw new LineTooLongException(limit);
                    }
                    String part = new String(buf, pos, len, StandardCharsets.ISO_8859_1);
                    consumed += i + 1 - pos;
                    pos = i + 1;
                    String line = sb == null ? part : sb.append(part).toString();
                    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                }
            }
            int len = end - pos;
            total += len;
            if (total > limit) {
                throw new LineTooLongException(limit);
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(new String(buf, pos, len, StandardCharsets.ISO_8859_1));
            consumed += len;
            pos = end;
        }
    }

    /** Reads up to {@code len} bytes: buffered ones first, then from the stream; -1 at end. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos < end) {
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            consumed += n;
            return n;
        }
        int r = in.read(b, off, len);
        if (r > 0) {
            consumed += r;
        }
        return r;
    }

    /** The rest of the bytes (buffered first, then the stream) as a stream, e.g. after a protocol upgrade. */
    public InputStream asInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = HttpInput.this.read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return HttpInput.this.read(b, off, len);
            }
        };
    }

    /** A line exceeded the limit. */
    public static final class LineTooLongException extends IOException {
        LineTooLongException(int limit) {
            super("line longer than " + limit + " bytes");
        }
    }
}
