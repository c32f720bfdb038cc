package io.ambient4j.api.workload;

import static io.ambient4j.api.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import io.ambient4j.api.Hex;
import org.junit.jupiter.api.Test;

/**
 * Wire bytes of istio.workload messages, derived by hand from the spec tables (§3.2): tag =
 * field << 3 | wire type (0 varint, 2 length-delimited), varints 7 bits at a time low group first,
 * lengths as varints. If protoc ever numbered a field differently, these bytes would not match.
 */
class WorkloadGoldenBytesTest {

    @Test
    void addressWithWorkload() throws Exception {
        Workload workload = Workload.newBuilder()
                .setUid("c//Pod/ns/p")
                .setName("p")
                .setNamespace("ns")
                .addAddresses(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))
                .setTunnelProtocol(TunnelProtocol.HBONE)
                .setServiceAccount("sa")
                .putServices(
                        "ns/svc",
                        PortList.newBuilder()
                                .addPorts(Port.newBuilder().setServicePort(80).setTargetPort(8080))
                                .build())
                .setCapacity(UInt32Value.of(2))
                .build();
        Address address = Address.newBuilder().setWorkload(workload).build();

        byte[] expected = bytes(
                // Address.workload: field 1, LEN -> 0x0a; Workload is 58 bytes -> 0x3a
                "0a 3a",
                // name (1, LEN) 0x0a, length 1, "p"
                "0a 01 70",
                // namespace (2, LEN) 0x12, length 2, "ns"
                "12 02 6e 73",
                // addresses (3, LEN) 0x1a, length 4, 10.0.0.1
                "1a 04 0a 00 00 01",
                // tunnel_protocol (5, VARINT) 0x28, HBONE = 1
                "28 01",
                // service_account (7, LEN) 0x3a, length 2, "sa"
                "3a 02 73 61",
                // uid (20, LEN): 20<<3|2 = 162 -> varint a2 01; length 11
                "a2 01 0b",
                Hex.ascii("c//Pod/ns/p"),
                // services (22, LEN): 22<<3|2 = 178 -> b2 01; one map entry of 17 bytes
                "b2 01 11",
                // entry key (1, LEN) length 6 "ns/svc"
                "0a 06 6e 73 2f 73 76 63",
                // entry value (2, LEN) PortList of 7 bytes: ports (1, LEN) Port of 5 bytes
                "12 07 0a 05",
                // Port.service_port (1, VARINT) 80 = 0x50; target_port (2, VARINT) 8080 = 0x1f90 -> 90 3f
                "08 50 10 90 3f",
                // capacity (27, LEN): 27<<3|2 = 218 -> da 01; UInt32Value of 2 bytes: value (1, VARINT) 2
                "da 01 02 08 02");

        assertThat(Hex.format(address.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(Address.parseFrom(expected)).isEqualTo(address);
    }

    @Test
    void addressWithService() throws Exception {
        Service service = Service.newBuilder()
                .setName("a")
                .setNamespace("ns")
                .setHostname("a.ns.svc")
                .addAddresses(NetworkAddress.newBuilder()
                        .setNetwork("n1")
                        .setAddress(ByteString.copyFrom(new byte[] {10, 96, 0, 10})))
                .addAddresses(NetworkAddress.newBuilder()
                        .setAddress(ByteString.copyFrom(new byte[] {10, 96, 0, 0}))
                        .setLength(16))
                .addPorts(
                        Port.newBuilder().setServicePort(80).setTargetPort(8080).setAppProtocol(AppProtocol.HTTP2))
                .setWaypoint(GatewayAddress.newBuilder()
                        .setAddress(NetworkAddress.newBuilder()
                                .setAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 9}))
                                .setLength(0))
                        .setHboneMtlsPort(15008))
                .setCanonical(true)
                .setVisibility(Service.Visibility.NAMESPACE)
                .build();
        Address address = Address.newBuilder().setService(service).build();

        byte[] expected = bytes(
                // Address.service: field 2, LEN -> 0x12; Service is 67 bytes -> 0x43
                "12 43",
                // name (1) "a"; namespace (2) "ns"; hostname (3) length 8 "a.ns.svc"
                "0a 01 61",
                "12 02 6e 73",
                "1a 08",
                Hex.ascii("a.ns.svc"),
                // addresses (4, LEN) 0x22, NetworkAddress of 10 bytes: network (1) "n1", address (2) 10.96.0.10
                "22 0a 0a 02 6e 31 12 04 0a 60 00 0a",
                // addresses (4) NetworkAddress of 8 bytes: address 10.96.0.0, length (3, VARINT) 0x18 = 16
                "22 08 12 04 0a 60 00 00 18 10",
                // ports (5, LEN) 0x2a, Port of 7 bytes: 80, 8080, app_protocol (3, VARINT) HTTP2 = 2
                "2a 07 08 50 10 90 3f 18 02",
                // waypoint (7, LEN) 0x3a, GatewayAddress of 13 bytes:
                //   address (2, LEN) NetworkAddress of 8: 10.0.0.9 and an explicitly set length 0 ->
                //   "18 00" (proto3 optional keeps presence, so a zero is still written)
                "3a 0d 12 08 12 04 0a 00 00 09 18 00",
                //   hbone_mtls_port (3, VARINT) 0x18, 15008 = 0x3aa0 -> a0 75
                "18 a0 75",
                // canonical (11, VARINT): 11<<3 = 88 = 0x58, true
                "58 01",
                // visibility (14, VARINT): 14<<3 = 112 = 0x70, NAMESPACE = 1
                "70 01");

        assertThat(Hex.format(address.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(Address.parseFrom(expected)).isEqualTo(address);
        assertThat(Address.parseFrom(expected)
                        .getService()
                        .getWaypoint()
                        .getAddress()
                        .hasLength())
                .isTrue();
        assertThat(Address.parseFrom(expected).getService().getAddresses(0).hasLength())
                .isFalse();
    }
}
