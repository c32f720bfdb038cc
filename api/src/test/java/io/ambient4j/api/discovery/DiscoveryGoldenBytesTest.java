package io.ambient4j.api.discovery;

import static io.ambient4j.api.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.ambient4j.api.Hex;
import org.junit.jupiter.api.Test;

/** Wire bytes of the delta xDS messages, derived by hand from the field numbers in §3.1 / wire-model. */
class DiscoveryGoldenBytesTest {

    private static final String ADDRESS_TYPE = "type.googleapis.com/istio.workload.Address"; // 42 = 0x2a bytes

    @Test
    void deltaDiscoveryRequest() throws Exception {
        DeltaDiscoveryRequest request = DeltaDiscoveryRequest.newBuilder()
                .setNode(Node.newBuilder().setId("n1"))
                .setTypeUrl(ADDRESS_TYPE)
                .addResourceNamesSubscribe("*")
                .addResourceNamesUnsubscribe("*")
                .putInitialResourceVersions("a", "1")
                .setResponseNonce("x")
                .build();

        byte[] expected = bytes(
                // node (1, LEN) Node of 4: id (1, LEN) "n1"
                "0a 04 0a 02 6e 31",
                // type_url (2, LEN) length 42
                "12 2a",
                Hex.ascii(ADDRESS_TYPE),
                // resource_names_subscribe (3, LEN) "*"; resource_names_unsubscribe (4, LEN) 0x22 "*"
                "1a 01 2a",
                "22 01 2a",
                // initial_resource_versions (5, LEN) 0x2a, map entry of 6: key (1) "a", value (2) "1"
                "2a 06 0a 01 61 12 01 31",
                // response_nonce (6, LEN) 0x32 "x"
                "32 01 78");

        assertThat(Hex.format(request.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(DeltaDiscoveryRequest.parseFrom(expected)).isEqualTo(request);
    }

    @Test
    void deltaDiscoveryResponse() throws Exception {
        // An Address{service: Service{name: "a"}}: service (2, LEN) of 3: name (1, LEN) "a"
        ByteString address = ByteString.copyFrom(bytes("12 03 0a 01 61"));
        DeltaDiscoveryResponse response = DeltaDiscoveryResponse.newBuilder()
                .addResources(Resource.newBuilder()
                        .setVersion("1")
                        .setResource(Any.newBuilder().setTypeUrl(ADDRESS_TYPE).setValue(address))
                        .setName("ns/a"))
                .setTypeUrl(ADDRESS_TYPE)
                .setNonce("n")
                .addRemovedResources("x")
                .build();

        byte[] expected = bytes(
                // resources (2, LEN) Resource of 62 = 0x3e
                "12 3e",
                // Resource.version (1, LEN) "1"
                "0a 01 31",
                // Resource.resource (2, LEN) Any of 51 = 0x33: type_url (1, LEN) 42 bytes ...
                "12 33 0a 2a",
                Hex.ascii(ADDRESS_TYPE),
                // ... value (2, LEN) 5 bytes of Address
                "12 05 12 03 0a 01 61",
                // Resource.name (3, LEN) "ns/a"
                "1a 04 6e 73 2f 61",
                // type_url (4, LEN) 0x22, 42 bytes
                "22 2a",
                Hex.ascii(ADDRESS_TYPE),
                // nonce (5, LEN) 0x2a "n"; removed_resources (6, LEN) 0x32 "x"
                "2a 01 6e",
                "32 01 78");

        assertThat(Hex.format(response.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(DeltaDiscoveryResponse.parseFrom(expected)).isEqualTo(response);
    }
}
