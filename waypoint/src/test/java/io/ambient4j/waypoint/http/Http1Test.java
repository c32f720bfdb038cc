package io.ambient4j.waypoint.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP/1.1 codec on byte arrays: heads, framing, bodies, limits and the statuses bad input earns. */
class Http1Test {
    static HttpInput in(String s) {
        return new HttpInput(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)), 256);
    }

    @Test
    void keepAliveRequestsWithContentLengthAndChunkedBodies() throws Exception {
        HttpInput in = in("POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n"
                + "GET /c HTTP/1.1\r\nhost: h\r\nConnection: close\r\n\r\n");
        RequestHead a = Http1.readRequestHead(in).orElseThrow();
        assertThat(a.method()).isEqualTo("POST");
        assertThat(a.path()).isEqualTo("/a");
        assertThat(a.query()).isEqualTo("x=1");
        assertThat(a.keepAlive()).isTrue();
        assertThat(new String(Http1.readBody(in, Http1.requestFraming(a.headers()), 100), StandardCharsets.UTF_8))
                .isEqualTo("hello");
        RequestHead b = Http1.readRequestHead(in).orElseThrow();
        assertThat(Http1.requestFraming(b.headers())).isInstanceOf(Framing.Chunked.class);
        assertThat(new String(Http1.readBody(in, Http1.requestFraming(b.headers()), 100), StandardCharsets.UTF_8))
                .isEqualTo("abcde");
        RequestHead c = Http1.readRequestHead(in).orElseThrow();
        assertThat(c.keepAlive()).isFalse();
        assertThat(c.headers().first("HOST")).contains("h");
        assertThat(Http1.readRequestHead(in)).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "GET /x HTTP/1.1\\r\\n\\r\\n | BAD_HEADER",
                "GET /x\\r\\n\\r\\n | BAD_REQUEST_LINE",
                "GET  /x HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | BAD_REQUEST_LINE",
                "G(T /x HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | BAD_REQUEST_LINE",
                "GET x HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n | BAD_REQUEST_LINE",
                "GET /x HTTP/2.0\\r\\nHost: h\\r\\n\\r\\n | UNSUPPORTED_VERSION",
                "GET /x HTTP/1.1\\r\\nHost h\\r\\n\\r\\n | BAD_HEADER",
                "GET /x HTTP/1.1\\r\\nHost: h\\r\\n folded\\r\\n\\r\\n | BAD_HEADER",
                "GET /x HTTP/1.1\\r\\nBad Name: v\\r\\nHost: h\\r\\n\\r\\n | BAD_HEADER",
            })
    void malformedHeadsAreRejectedWithAReason(String raw, HttpException.Reason reason) {
        assertThatThrownBy(() -> Http1.readRequestHead(in(raw.strip().replace("\\r\\n", "\r\n"))))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void oversizedHeaderSectionIs431AndLongRequestLineIs414() {
        String big = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "a".repeat(Http1.MAX_HEADER_BYTES) + "\r\n\r\n";
        assertThatThrownBy(() -> Http1.readRequestHead(in(big)))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.status()).isEqualTo(431));
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i <= Http1.MAX_HEADER_COUNT; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertThatThrownBy(() -> Http1.readRequestHead(in(many.append("\r\n").toString())))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.status()).isEqualTo(431));
        String longLine = "GET /" + "a".repeat(Http1.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n";
        assertThatThrownBy(() -> Http1.readRequestHead(in(longLine)))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.status()).isEqualTo(414));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Content-Length: 5\\r\\nTransfer-Encoding: chunked | BAD_CONTENT_LENGTH",
                "Content-Length: 5\\r\\nContent-Length: 6 | BAD_CONTENT_LENGTH",
                "Content-Length: -1 | BAD_CONTENT_LENGTH",
                "Content-Length: 1e3 | BAD_CONTENT_LENGTH",
                "Transfer-Encoding: gzip | UNSUPPORTED_TRANSFER_ENCODING",
                "Transfer-Encoding: gzip, chunked | UNSUPPORTED_TRANSFER_ENCODING",
            })
    void ambiguousFramingIsRejected(String headers, HttpException.Reason reason) throws Exception {
        RequestHead h = Http1.readRequestHead(
                        in("POST / HTTP/1.1\r\nHost: h\r\n" + headers.strip().replace("\\r\\n", "\r\n") + "\r\n\r\n"))
                .orElseThrow();
        assertThatThrownBy(() -> Http1.requestFraming(h.headers()))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @ParameterizedTest(name = "chunk size [{0}]")
    @CsvSource({"zz", "-1", "1ffffffffffffffff", "''"})
    void badChunkSizesAreRejected(String size) {
        HttpInput in = in(size + "\r\nabc\r\n0\r\n\r\n");
        assertThatThrownBy(() -> Http1.readBody(in, new Framing.Chunked(), 1000))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.reason()).isEqualTo(HttpException.Reason.BAD_CHUNK));
    }

    @Test
    void bodiesOverTheLimitAre413() {
        assertThatThrownBy(() -> Http1.readBody(in("x".repeat(20)), new Framing.Length(20), 10))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() ->
                        Http1.readBody(in("8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n"), new Framing.Chunked(), 10))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void responseFramingAndRechunking() throws Exception {
        HttpInput in = in("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n");
        ResponseHead r = Http1.readResponseHead(in);
        assertThat(r.status()).isEqualTo(200);
        Framing f = Http1.responseFraming("GET", r);
        assertThat(f).isInstanceOf(Framing.Chunked.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Http1.copyBody(in, f, out, true)).isEqualTo(9);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n");

        HttpInput close = in("HTTP/1.0 200 OK\r\n\r\nuntil close");
        ResponseHead r2 = Http1.readResponseHead(close);
        assertThat(Http1.responseFraming("GET", r2)).isInstanceOf(Framing.UntilClose.class);
        assertThat(Http1.responseFraming("HEAD", r2)).isInstanceOf(Framing.None.class);
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        Http1.copyBody(close, new Framing.UntilClose(), out2, false);
        assertThat(out2.toString(StandardCharsets.US_ASCII)).isEqualTo("until close");
    }

    @Test
    void malformedStatusLineIsABadResponse() {
        assertThatThrownBy(() -> Http1.readResponseHead(in("SSH-2.0-OpenSSH\r\n\r\n")))
                .isInstanceOfSatisfying(
                        HttpException.class, e -> assertThat(e.status()).isEqualTo(502));
    }
}
