package io.ambient4j.conformance.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The echo app's gRPC framing and EchoRequest/EchoResponse bytes, written by hand from the protobuf wire format. */
class GrpcEchoTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void C062_frameIsFlagLengthThenField1() {
        // flag 0, length 4, then tag 0x0a (field 1, length-delimited), length 2, "hi"
        assertThat(HEX.formatHex(GrpcEcho.frame("hi"))).isEqualTo("00000000040a026869");
        // a 200-byte string needs a two-byte varint length: 200 = 0xc8 0x01
        byte[] big = GrpcEcho.frame("x".repeat(200));
        assertThat(HEX.formatHex(big, 0, 9)).isEqualTo("00000000cb0ac80178");
        assertThat(GrpcEcho.unframe(big)).contains("x".repeat(200));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "round trip                   | 00000000040a026869             | hi",
                "empty message: field 1 is '' | 0000000000                     | ''",
                "unknown varint field skipped | 0000000006100a0a026869         | hi",
                "unknown fixed64 skipped      | 000000000d19000000000000000a0a026869 | hi",
                "compressed flag              | 01000000040a026869             | <none>",
                "length says more             | 00000000050a026869             | <none>",
                "length says less             | 00000000030a026869             | <none>",
                "string cut short             | 00000000040a036869             | <none>",
                "bad wire type                | 00000000020f01                 | <none>",
                "short header                 | 000000                         | <none>",
            })
    void unframe(String name, String hex, String expected) {
        Optional<String> got = GrpcEcho.unframe(HEX.parseHex(hex));
        if (expected.equals("<none>")) {
            assertThat(got).isEmpty();
        } else {
            assertThat(got).contains(expected);
        }
    }
}
