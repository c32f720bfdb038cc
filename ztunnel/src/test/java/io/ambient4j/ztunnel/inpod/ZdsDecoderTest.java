package io.ambient4j.ztunnel.inpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.api.zds.AddWorkload;
import io.ambient4j.api.zds.DelWorkload;
import io.ambient4j.api.zds.KeepWorkload;
import io.ambient4j.api.zds.SnapshotSent;
import io.ambient4j.api.zds.WorkloadInfo;
import io.ambient4j.api.zds.WorkloadRequest;
import io.ambient4j.api.zds.WorkloadResponse;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.OwnedFd;
import io.ambient4j.ztunnel.inpod.ZdsProtocolException.Reason;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ZDS decoder on bytes (ambient-spec §5.1–5.2): what it accepts, what it refuses and that refused fds close. */
class ZdsDecoderTest {
    static byte[] add(String uid, boolean withInfo) {
        AddWorkload.Builder a = AddWorkload.newBuilder().setUid(uid);
        if (withInfo) {
            a.setWorkloadInfo(
                    WorkloadInfo.newBuilder().setName("p").setNamespace("ns").setServiceAccount("sa"));
        }
        return WorkloadRequest.newBuilder().setAdd(a).build().toByteArray();
    }

    static OwnedFd someFd() throws Exception {
        return Netns.current().fd();
    }

    @Test
    void C026_addCarriesItsNetnsFd() throws Exception {
        OwnedFd fd = someFd();
        ZdsMessage m = ZdsDecoder.decode(add("u1", true), Optional.of(fd));
        assertThat(m).isEqualTo(new ZdsMessage.Add("u1", "p", "ns", "sa", fd));
        assertThat(fd.isClosed()).isFalse();
        fd.close();
    }

    @Test
    void C026_addWithoutFdIsRefused() {
        assertThatThrownBy(() -> ZdsDecoder.decode(add("u1", true), Optional.empty()))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_FD));
    }

    @Test
    void C029_addWithoutWorkloadInfoIsRefusedAndItsFdClosed() throws Exception {
        OwnedFd fd = someFd();
        assertThatThrownBy(() -> ZdsDecoder.decode(add("u1", false), Optional.of(fd)))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_WORKLOAD_INFO));
        assertThat(fd.isClosed()).isTrue();
    }

    @Test
    void C026_otherMessagesWithAnFdAreRefusedAndTheFdClosed() throws Exception {
        for (WorkloadRequest r : new WorkloadRequest[] {
            WorkloadRequest.newBuilder()
                    .setKeep(KeepWorkload.newBuilder().setUid("u"))
                    .build(),
            WorkloadRequest.newBuilder()
                    .setDel(DelWorkload.newBuilder().setUid("u"))
                    .build(),
            WorkloadRequest.newBuilder()
                    .setSnapshotSent(SnapshotSent.getDefaultInstance())
                    .build()
        }) {
            OwnedFd fd = someFd();
            assertThatThrownBy(() -> ZdsDecoder.decode(r.toByteArray(), Optional.of(fd)))
                    .isInstanceOfSatisfying(
                            ZdsProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED_FD));
            assertThat(fd.isClosed()).isTrue();
        }
    }

    @Test
    void C029_keepDelSnapshotDecode() throws Exception {
        assertThat(ZdsDecoder.decode(
                        WorkloadRequest.newBuilder()
                                .setKeep(KeepWorkload.newBuilder().setUid("k"))
                                .build()
                                .toByteArray(),
                        Optional.empty()))
                .isEqualTo(new ZdsMessage.Keep("k"));
        assertThat(ZdsDecoder.decode(
                        WorkloadRequest.newBuilder()
                                .setDel(DelWorkload.newBuilder().setUid("d"))
                                .build()
                                .toByteArray(),
                        Optional.empty()))
                .isEqualTo(new ZdsMessage.Del("d"));
        assertThat(ZdsDecoder.decode(
                        WorkloadRequest.newBuilder()
                                .setSnapshotSent(SnapshotSent.getDefaultInstance())
                                .build()
                                .toByteArray(),
                        Optional.empty()))
                .isEqualTo(new ZdsMessage.SnapshotSent());
    }

    @Test
    void garbageEmptyAndOversizedAreRefusedWithReasons() {
        assertThatThrownBy(() -> ZdsDecoder.decode(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}, Optional.empty()))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        assertThatThrownBy(() -> ZdsDecoder.decode(new byte[0], Optional.empty()))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_PAYLOAD));
        assertThatThrownBy(() -> ZdsDecoder.decode(new byte[1025], Optional.empty()))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }

    @Test
    void ackFitsTheAgentBufferEvenForLongErrors() throws Exception {
        byte[] ack = ZdsDecoder.ack("x".repeat(5000));
        assertThat(ack.length).isLessThanOrEqualTo(ZdsDecoder.MAX_MESSAGE);
        assertThat(WorkloadResponse.parseFrom(ack).getAck().getError()).startsWith("xxx");
        assertThat(WorkloadResponse.parseFrom(ZdsDecoder.ack("")).getAck().getError())
                .isEmpty();
    }
}
