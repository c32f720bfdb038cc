package io.ambient4j.ztunnel.inpod;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ambient4j.api.zds.Ack;
import io.ambient4j.api.zds.AddWorkload;
import io.ambient4j.api.zds.Version;
import io.ambient4j.api.zds.WorkloadRequest;
import io.ambient4j.api.zds.WorkloadResponse;
import io.ambient4j.api.zds.ZdsHello;
import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.OwnedFd;
import io.ambient4j.ztunnel.inpod.ZdsProtocolException.Reason;
import java.util.Optional;

/**
 * ztunnel's half of the ZDS wire format: one protobuf per SEQPACKET datagram (at most {@link #MAX_MESSAGE}
 * bytes), a netns descriptor only with AddWorkload. Pure bytes in, values out, so it can be fuzzed without a
 * socket. Whatever goes wrong, the only exception is {@link ZdsProtocolException} and a descriptor that came
 * with a refused message is closed, so garbage can neither crash the client nor leak namespaces.
 */
public final class ZdsDecoder {
    /** Both ends read into 1024-byte buffers (ambient-spec §5.1). */
    public static final int MAX_MESSAGE = 1024;

    private ZdsDecoder() {}

    /** Decodes one request; takes ownership of {@code fd} (kept only inside an {@link ZdsMessage.Add}). */
    public static ZdsMessage decode(byte[] payload, Optional<OwnedFd> fd) throws ZdsProtocolException {
        boolean handedOver = false;
        try {
            ZdsMessage m = parse(payload, fd);
            handedOver = m instanceof ZdsMessage.Add;
            return m;
        } finally {
            if (!handedOver) {
                fd.ifPresent(ZdsDecoder::closeQuietly);
            }
        }
    }

    private static ZdsMessage parse(byte[] payload, Optional<OwnedFd> fd) throws ZdsProtocolException {
        if (payload.length > MAX_MESSAGE) {
            throw new ZdsProtocolException(
                    Reason.TRUNCATED, "message of " + payload.length + " bytes exceeds " + MAX_MESSAGE);
        }
        WorkloadRequest request;
        try {
            request = WorkloadRequest.parseFrom(payload);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new ZdsProtocolException(
                    Reason.MALFORMED,
                    "datagram of " + payload.length + " bytes is not a WorkloadRequest: " + e.getMessage(),
                    e);
        }
        WorkloadRequest.PayloadCase kind = request.getPayloadCase();
        if (kind == WorkloadRequest.PayloadCase.ADD) {
            if (fd.isEmpty()) {
                throw new ZdsProtocolException(Reason.MISSING_FD, "AddWorkload without a netns descriptor");
            }
            AddWorkload add = request.getAdd();
            if (add.getUid().isEmpty() || !add.hasWorkloadInfo()) {
                throw new ZdsProtocolException(
                        Reason.BAD_WORKLOAD_INFO, "AddWorkload '" + add.getUid() + "' needs a uid and workload_info");
            }
            var info = add.getWorkloadInfo();
            return new ZdsMessage.Add(
                    add.getUid(), info.getName(), info.getNamespace(), info.getServiceAccount(), fd.get());
        }
        if (fd.isPresent()) {
            throw new ZdsProtocolException(Reason.UNEXPECTED_FD, kindName(kind) + " carried a file descriptor");
        }
        return switch (kind) {
            case KEEP -> new ZdsMessage.Keep(request.getKeep().getUid());
            case DEL -> new ZdsMessage.Del(request.getDel().getUid());
            case SNAPSHOT_SENT -> new ZdsMessage.SnapshotSent();
            default -> throw new ZdsProtocolException(Reason.NO_PAYLOAD, "WorkloadRequest without a known payload");
        };
    }

    private static String kindName(WorkloadRequest.PayloadCase kind) {
        return switch (kind) {
            case KEEP -> "KeepWorkload";
            case DEL -> "DelWorkload";
            case SNAPSHOT_SENT -> "SnapshotSent";
            default -> "a request without payload";
        };
    }

    /** The first message on every connection. */
    public static byte[] hello() {
        return ZdsHello.newBuilder().setVersion(Version.V1).build().toByteArray();
    }

    /** The answer to every request; {@code error} is empty on success. */
    public static byte[] ack(String error) {
        // Keep an error Ack within the agent's 1024-byte read buffer.
        String e = error.length() > 900 ? error.substring(0, 900) + "…" : error;
        return WorkloadResponse.newBuilder()
                .setAck(Ack.newBuilder().setError(e))
                .build()
                .toByteArray();
    }

    private static void closeQuietly(OwnedFd fd) {
        try {
            fd.close();
        } catch (NetException ignored) {
            // Released by close(2) either way; the message is being refused already.
        }
    }
}
