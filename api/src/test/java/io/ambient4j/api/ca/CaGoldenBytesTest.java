package io.ambient4j.api.ca;

import static io.ambient4j.api.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.ambient4j.api.Hex;
import org.junit.jupiter.api.Test;

/** Wire bytes of the istio.v1.auth CA messages, derived by hand from the spec table (§4). */
class CaGoldenBytesTest {

    @Test
    void certificateRequestWithImpersonation() throws Exception {
        IstioCertificateRequest request = IstioCertificateRequest.newBuilder()
                .setCsr("pem")
                .setValidityDuration(86400)
                .setMetadata(Struct.newBuilder()
                        .putFields(
                                "ImpersonatedIdentity",
                                Value.newBuilder()
                                        .setStringValue("spiffe://td/ns/a/sa/b")
                                        .build()))
                .build();

        byte[] expected = bytes(
                // csr (1, LEN) "pem"
                "0a 03 70 65 6d",
                // validity_duration (3, VARINT) 0x18; 86400 = 0x15180 -> groups 0x00, 0x23, 0x05 -> 80 a3 05
                "18 80 a3 05",
                // metadata (4, LEN) 0x22, Struct of 49 = 0x31: fields (1, LEN) one map entry of 47 = 0x2f
                "22 31 0a 2f",
                // entry key (1, LEN) length 20
                "0a 14",
                Hex.ascii("ImpersonatedIdentity"),
                // entry value (2, LEN) Value of 23 = 0x17: string_value (3, LEN) 0x1a, length 21 = 0x15
                "12 17 1a 15",
                Hex.ascii("spiffe://td/ns/a/sa/b"));

        assertThat(Hex.format(request.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(IstioCertificateRequest.parseFrom(expected)).isEqualTo(request);
    }

    @Test
    void certificateResponseLeafFirstRootLast() throws Exception {
        IstioCertificateResponse response = IstioCertificateResponse.newBuilder()
                .addCertChain("leaf")
                .addCertChain("root")
                .build();
        // cert_chain (1, LEN) twice: length 4 "leaf", length 4 "root"
        byte[] expected = bytes("0a 04 6c 65 61 66", "0a 04 72 6f 6f 74");
        assertThat(Hex.format(response.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(IstioCertificateResponse.parseFrom(expected)).isEqualTo(response);
    }
}
