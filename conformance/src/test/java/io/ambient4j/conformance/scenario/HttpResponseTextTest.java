package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the probe may stop reading: servers that ignore Connection: close must not make checks time out. */
class HttpResponseTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "headers incomplete                 | HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n                   | false",
                "content-length met                 | HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nhi          | true",
                "content-length short               | HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhi          | false",
                "empty body                         | HTTP/1.1 204 No Content\\r\\nContent-Length: 0\\r\\n\\r\\n    | true",
                "header names are case-insensitive  | HTTP/1.1 200 OK\\r\\ncontent-LENGTH: 1\\r\\n\\r\\nx           | true",
                "chunked, last chunk seen           | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\nhi\\r\\n0\\r\\n\\r\\n | true",
                "chunked, more to come              | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2\\r\\nhi\\r\\n | false",
                "chunked, empty                     | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n | true",
                "no framing: ends at EOF            | HTTP/1.1 200 OK\\r\\nConnection: close\\r\\n\\r\\nbody       | false",
                "bad content-length                 | HTTP/1.1 200 OK\\r\\nContent-Length: x\\r\\n\\r\\nbody       | false",
            })
    void complete(String name, String raw, boolean expected) {
        byte[] bytes = raw.replace("\\r\\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpResponseText.complete(bytes, bytes.length)).isEqualTo(expected);
    }
}
