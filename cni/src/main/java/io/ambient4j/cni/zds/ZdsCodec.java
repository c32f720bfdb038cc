package io.ambient4j.cni.zds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ambient4j.api.zds.AddWorkload;
import io.ambient4j.api.zds.DelWorkload;
import io.ambient4j.api.zds.KeepWorkload;
import io.ambient4j.api.zds.SnapshotSent;
import io.ambient4j.api.zds.Version;
import io.ambient4j.api.zds.WorkloadInfo;
import io.ambient4j.api.zds.WorkloadRequest;
import io.ambient4j.api.zds.WorkloadResponse;
import io.ambient4j.api.zds.ZdsHello;

/**
 * The ZDS wire format: one protobuf per SEQPACKET datagram, no framing, at most {@link #MAX_MESSAGE}
 * bytes. Pure byte-in/byte-out so it can be tested and fuzzed without sockets; protobufs stop here.
 */
public final class ZdsCodec {
    /** Both ends read into 1024-byte buffers. */
    public static final int MAX_MESSAGE = 1024;

    private ZdsCodec() {}

    public static byte[] add(String uid, WorkloadIdentity identity) throws ZdsException {
        WorkloadInfo info = WorkloadInfo.newBuilder()
                .setName(identity.name())
                .setNamespace(identity.namespace())
                .setServiceAccount(identity.serviceAccount())
                .build();
        return checked(WorkloadRequest.newBuilder()
                .setAdd(AddWorkload.newBuilder().setUid(uid).setWorkloadInfo(info))
                .build()
                .toByteArray());
    }

    public static byte[] keep(String uid) throws ZdsException {
        return checked(WorkloadRequest.newBuilder()
                .setKeep(KeepWorkload.newBuilder().setUid(uid))
                .build()
                .toByteArray());
    }

    public static byte[] del(String uid) throws ZdsException {
        return checked(WorkloadRequest.newBuilder()
                .setDel(DelWorkload.newBuilder().setUid(uid))
                .build()
                .toByteArray());
    }

    public static byte[] snapshotSent() throws ZdsException {
        return checked(WorkloadRequest.newBuilder()
                .setSnapshotSent(SnapshotSent.getDefaultInstance())
                .build()
                .toByteArray());
    }

    /** Decodes ztunnel's first message; only version V1 is spoken. */
    public static Version decodeHello(byte[] bytes) throws ZdsException {
        checkSize(bytes);
        ZdsHello hello;
        try {
            hello = ZdsHello.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ZdsException(ZdsException.Reason.MALFORMED, "hello is not a ZdsHello: " + e.getMessage());
        }
        if (hello.getVersion() != Version.V1) {
            throw new ZdsException(
                    ZdsException.Reason.PROTOCOL, "unsupported ZDS version " + hello.getVersionValue() + " in hello");
        }
        return hello.getVersion();
    }

    /** Decodes ztunnel's answer to a request; it must carry an Ack. */
    public static ZdsAck decodeAck(byte[] bytes) throws ZdsException {
        checkSize(bytes);
        WorkloadResponse response;
        try {
            response = WorkloadResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ZdsException(ZdsException.Reason.MALFORMED, "reply is not a WorkloadResponse: " + e.getMessage());
        }
        if (!response.hasAck()) {
            throw new ZdsException(ZdsException.Reason.PROTOCOL, "WorkloadResponse without an ack");
        }
        return new ZdsAck(response.getAck().getError());
    }

    private static void checkSize(byte[] bytes) throws ZdsException {
        if (bytes.length > MAX_MESSAGE) {
            throw new ZdsException(
                    ZdsException.Reason.TOO_LARGE, "message of " + bytes.length + " bytes exceeds " + MAX_MESSAGE);
        }
    }

    private static byte[] checked(byte[] bytes) throws ZdsException {
        checkSize(bytes);
        return bytes;
    }
}
