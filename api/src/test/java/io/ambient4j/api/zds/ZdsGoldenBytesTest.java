package io.ambient4j.api.zds;

import static io.ambient4j.api.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.Hex;
import org.junit.jupiter.api.Test;

/** Wire bytes of the ZDS messages, derived by hand from the spec table (§5.2). */
class ZdsGoldenBytesTest {

    @Test
    void hello() throws Exception {
        ZdsHello hello = ZdsHello.newBuilder().setVersion(Version.V1).build();
        // version (1, VARINT) 0x08, V1 = 1
        byte[] expected = bytes("08 01");
        assertThat(Hex.format(hello.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(ZdsHello.parseFrom(expected)).isEqualTo(hello);
    }

    @Test
    void workloadRequests() throws Exception {
        WorkloadRequest add = WorkloadRequest.newBuilder()
                .setAdd(AddWorkload.newBuilder()
                        .setUid("u1")
                        .setWorkloadInfo(WorkloadInfo.newBuilder()
                                .setName("p")
                                .setNamespace("ns")
                                .setServiceAccount("sa")))
                .build();
        byte[] addBytes = bytes(
                // add (1, LEN) AddWorkload of 17 = 0x11
                "0a 11",
                // uid (1, LEN) "u1"
                "0a 02 75 31",
                // workload_info (2, LEN) of 11 = 0x0b: name (1) "p", namespace (2) "ns", service_account (3) "sa"
                "12 0b 0a 01 70 12 02 6e 73 1a 02 73 61");
        assertThat(Hex.format(add.toByteArray())).isEqualTo(Hex.format(addBytes));
        assertThat(WorkloadRequest.parseFrom(addBytes)).isEqualTo(add);

        WorkloadRequest keep = WorkloadRequest.newBuilder()
                .setKeep(KeepWorkload.newBuilder().setUid("u1"))
                .build();
        // keep (5, LEN): 5<<3|2 = 0x2a, KeepWorkload of 4: uid (1, LEN) "u1"
        byte[] keepBytes = bytes("2a 04 0a 02 75 31");
        assertThat(Hex.format(keep.toByteArray())).isEqualTo(Hex.format(keepBytes));
        assertThat(WorkloadRequest.parseFrom(keepBytes)).isEqualTo(keep);

        WorkloadRequest del = WorkloadRequest.newBuilder()
                .setDel(DelWorkload.newBuilder().setUid("u1"))
                .build();
        // del (2, LEN) 0x12, DelWorkload of 4: uid is field 2 (not 1) -> 0x12 "u1"
        byte[] delBytes = bytes("12 04 12 02 75 31");
        assertThat(Hex.format(del.toByteArray())).isEqualTo(Hex.format(delBytes));
        assertThat(WorkloadRequest.parseFrom(delBytes)).isEqualTo(del);

        WorkloadRequest snapshot = WorkloadRequest.newBuilder()
                .setSnapshotSent(SnapshotSent.getDefaultInstance())
                .build();
        // snapshot_sent (3, LEN) 0x1a, empty message: the oneof case is still written
        byte[] snapshotBytes = bytes("1a 00");
        assertThat(Hex.format(snapshot.toByteArray())).isEqualTo(Hex.format(snapshotBytes));
        assertThat(WorkloadRequest.parseFrom(snapshotBytes)).isEqualTo(snapshot);
    }

    @Test
    void workloadResponses() throws Exception {
        WorkloadResponse ok =
                WorkloadResponse.newBuilder().setAck(Ack.getDefaultInstance()).build();
        // ack (1, LEN), empty Ack (error "" is not written)
        byte[] okBytes = bytes("0a 00");
        assertThat(Hex.format(ok.toByteArray())).isEqualTo(Hex.format(okBytes));
        assertThat(WorkloadResponse.parseFrom(okBytes)).isEqualTo(ok);

        WorkloadResponse failed = WorkloadResponse.newBuilder()
                .setAck(Ack.newBuilder().setError("boom"))
                .build();
        // ack (1, LEN) of 6: error (1, LEN) length 4 "boom"
        byte[] failedBytes = bytes("0a 06 0a 04 62 6f 6f 6d");
        assertThat(Hex.format(failed.toByteArray())).isEqualTo(Hex.format(failedBytes));
        assertThat(WorkloadResponse.parseFrom(failedBytes)).isEqualTo(failed);
    }
}
