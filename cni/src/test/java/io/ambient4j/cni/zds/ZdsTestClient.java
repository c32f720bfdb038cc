package io.ambient4j.cni.zds;

import io.ambient4j.api.zds.Ack;
import io.ambient4j.api.zds.Version;
import io.ambient4j.api.zds.WorkloadRequest;
import io.ambient4j.api.zds.WorkloadResponse;
import io.ambient4j.api.zds.ZdsHello;
import io.ambient4j.common.net.Datagram;
import io.ambient4j.common.net.OwnedFd;
import io.ambient4j.common.net.SeqpacketSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A protocol-level stand-in for ztunnel's ZDS client: connects to the agent's socket, says hello, reads
 * requests with their descriptors and answers with Acks it chooses (or not at all).
 */
final class ZdsTestClient implements AutoCloseable {
    /** One request as received, with the descriptor that came with it. */
    record Received(WorkloadRequest request, Optional<OwnedFd> fd) {}

    private final SeqpacketSocket socket;

    private ZdsTestClient(SeqpacketSocket socket) {
        this.socket = socket;
    }

    static ZdsTestClient connect(Path path, Duration readTimeout) throws Exception {
        SeqpacketSocket s = SeqpacketSocket.connect(path);
        s.setTimeouts(readTimeout, readTimeout);
        return new ZdsTestClient(s);
    }

    ZdsTestClient hello() throws Exception {
        sendRaw(ZdsHello.newBuilder().setVersion(Version.V1).build().toByteArray());
        return this;
    }

    void sendRaw(byte[] bytes) throws Exception {
        socket.send(bytes, Optional.empty());
    }

    Received next() throws Exception {
        Datagram d = socket.receive(1024);
        return new Received(WorkloadRequest.parseFrom(d.payload()), d.fd());
    }

    /** True when a request is waiting (the server sent before we acked). */
    boolean hasPending() throws Exception {
        return socket.peek() == SeqpacketSocket.PeerState.DATA;
    }

    /** True once the server closed the connection. */
    boolean serverClosed() throws Exception {
        return socket.peek() == SeqpacketSocket.PeerState.CLOSED;
    }

    void ack(String error) throws Exception {
        sendRaw(WorkloadResponse.newBuilder()
                .setAck(Ack.newBuilder().setError(error))
                .build()
                .toByteArray());
    }

    /** Reads and acks everything up to and including SnapshotSent; returns the requests in order. */
    java.util.List<Received> drainSnapshot() throws Exception {
        java.util.List<Received> got = new java.util.ArrayList<>();
        while (true) {
            Received r = next();
            got.add(r);
            ack("");
            if (r.request().hasSnapshotSent()) {
                return got;
            }
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
