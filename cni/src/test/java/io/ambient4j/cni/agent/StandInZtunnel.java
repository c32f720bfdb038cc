package io.ambient4j.cni.agent;

import io.ambient4j.api.zds.Ack;
import io.ambient4j.api.zds.Version;
import io.ambient4j.api.zds.WorkloadRequest;
import io.ambient4j.api.zds.WorkloadResponse;
import io.ambient4j.api.zds.ZdsHello;
import io.ambient4j.common.net.Datagram;
import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.OwnedFd;
import io.ambient4j.common.net.SeqpacketSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** Answers every request with the configured error ("" = ok) and records what it got. */
final class StandInZtunnel implements AutoCloseable {
    final List<WorkloadRequest> received = new CopyOnWriteArrayList<>();
    final List<Long> fdInodes = new CopyOnWriteArrayList<>();
    final AtomicReference<String> answer = new AtomicReference<>("");
    private final SeqpacketSocket socket;
    private final Thread loop;

    StandInZtunnel(Path path) throws Exception {
        socket = SeqpacketSocket.connect(path);
        socket.send(ZdsHello.newBuilder().setVersion(Version.V1).build().toByteArray(), Optional.empty());
        loop = Thread.ofPlatform().daemon(true).start(this::serve);
    }

    private void serve() {
        try {
            while (true) {
                Datagram d = socket.receive(1024);
                if (d.fd().isPresent()) {
                    try (OwnedFd fd = d.fd().get()) {
                        fdInodes.add(Netns.inodeOf(Path.of("/proc/self/fd", Integer.toString(fd.value()))));
                    }
                }
                received.add(WorkloadRequest.parseFrom(d.payload()));
                socket.send(
                        WorkloadResponse.newBuilder()
                                .setAck(Ack.newBuilder().setError(answer.get()))
                                .build()
                                .toByteArray(),
                        Optional.empty());
            }
        } catch (NetException e) {
            // closed
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        loop.join(5000);
    }
}
