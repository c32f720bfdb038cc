package io.ambient4j.cni.zds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.api.zds.Version;
import io.ambient4j.api.zds.WorkloadRequest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZdsCodecTest {
    @Test
    void C026_requestsUseUpstreamFieldNumbers() throws Exception {
        // AddWorkload is field 1 of WorkloadRequest, its uid field 1: 0x0a len 0x0a len "u".
        byte[] add = ZdsCodec.add("u", new WorkloadIdentity("n", "s", "a"));
        assertThat(add[0]).isEqualTo((byte) 0x0a);
        assertThat(WorkloadRequest.parseFrom(add).getAdd().getWorkloadInfo().getServiceAccount())
                .isEqualTo("a");
        // DelWorkload is field 2, and its uid is field 2 inside it.
        assertThat(ZdsCodec.del("u")).containsExactly(0x12, 0x03, 0x12, 0x01, 'u');
        // KeepWorkload is field 5; SnapshotSent field 3, empty.
        assertThat(ZdsCodec.keep("u")).containsExactly(0x2a, 0x03, 0x0a, 0x01, 'u');
        assertThat(ZdsCodec.snapshotSent()).containsExactly(0x1a, 0x00);
    }

    @Test
    void C026_helloAndAckDecode() throws Exception {
        assertThat(ZdsCodec.decodeHello(new byte[] {0x08, 0x01})).isEqualTo(Version.V1);
        assertThat(ZdsCodec.decodeAck(new byte[] {0x0a, 0x00})).isEqualTo(new ZdsAck(""));
        assertThat(ZdsCodec.decodeAck(new byte[] {0x0a, 0x03, 0x0a, 0x01, 'x'})).isEqualTo(new ZdsAck("x"));
        assertThatThrownBy(() -> ZdsCodec.decodeHello(new byte[0]))
                .isInstanceOf(ZdsException.class)
                .hasMessageContaining("unsupported ZDS version 0");
        assertThatThrownBy(() -> ZdsCodec.decodeAck(new byte[0]))
                .isInstanceOf(ZdsException.class)
                .hasMessageContaining("without an ack");
        assertThatThrownBy(() -> ZdsCodec.decodeAck(new byte[1025]))
                .isInstanceOf(ZdsException.class)
                .satisfies(e -> assertThat(((ZdsException) e).reason()).isEqualTo(ZdsException.Reason.TOO_LARGE));
    }

    /** Bounded fuzz: random datagrams either decode or fail with a ZdsException, never anything else. */
    @Test
    void C026_decoderFuzz() {
        Random random = new Random(0x5eed_2d5L);
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            if (random.nextBoolean() && bytes.length > 1) {
                bytes[0] = 0x0a; // bias toward the ack field so some inputs get deep into the parser
                bytes[1] = (byte) random.nextInt(bytes.length);
            }
            for (int which = 0; which < 2; which++) {
                try {
                    if (which == 0) {
                        ZdsCodec.decodeHello(bytes);
                    } else {
                        ZdsCodec.decodeAck(bytes);
                    }
                    decoded++;
                } catch (ZdsException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    assertThat(e.reason()).isIn(ZdsException.Reason.MALFORMED, ZdsException.Reason.PROTOCOL);
                    rejected++;
                }
            }
        }
        assertThat(decoded).isPositive();
        assertThat(rejected).isPositive();
    }
}
