package io.ambient4j.common.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordSocket} and {@link RecordBatch}: how many reads and writes reach the TCP stream, that no byte is lost,
 * reordered or held back, and a real mutual TLS 1.3 connection over it (bench/RESULTS.md, "TLS records per syscall").
 */
class RecordSocketTest {

    /** Counts the calls and keeps the sizes of what reaches the "kernel". */
    static final class CountingOut extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(len);
            bytes.write(b, off, len);
        }
    }

    /** An input stream that, like a socket, returns at most what "arrived" in one chunk per read. */
    static final class ChunkedIn extends InputStream {
        private final ByteArrayInputStream data;
        private final int chunk;
        int reads;

        ChunkedIn(byte[] data, int chunk) {
            this.data = new ByteArrayInputStream(data);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            reads++;
            return data.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            return data.read(b, off, Math.min(len, chunk));
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void theRecordLayersHeaderAndBodyReadsAreServedByOneReadOfTheSocket() throws IOException {
        // three TLS-like records of 5 + 1000 bytes, all already in the kernel's buffer
        byte[] wire = random(3 * 1005, 1);
        ChunkedIn raw = new ChunkedIn(wire, 1 << 20);
        RecordSocket.ReadAhead in = new RecordSocket.ReadAhead(raw, new RecordSocket.RecordOutput(new CountingOut()));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int r = 0; r < 3; r++) {
            got.write(in.readNBytes(5));
            got.write(in.readNBytes(1000));
        }
        assertThat(got.toByteArray()).isEqualTo(wire);
        // 2 KiB, then (the read filled it) 4 KiB: two reads where the record layer alone makes six
        assertThat(raw.reads).isEqualTo(2);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void theReadAheadGrowsOnlyWhileReadsFillItAndNeverWaitsForMore() throws IOException {
        byte[] wire = random(300_000, 2);
        ChunkedIn raw = new ChunkedIn(wire, 1 << 20);
        RecordSocket.ReadAhead in = new RecordSocket.ReadAhead(raw, new RecordSocket.RecordOutput(new CountingOut()));
        byte[] buf = new byte[17_000];
        List<Integer> sizes = new ArrayList<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int n;
        int lastReads = 0;
        while ((n = in.read(buf, 0, buf.length)) > 0) {
            got.write(buf, 0, n);
            if (raw.reads != lastReads) {
                sizes.add(n); // the first read after a fill shows the buffer's size (or the caller's)
                lastReads = raw.reads;
            }
        }
        assertThat(got.toByteArray()).isEqualTo(wire);
        assertThat(sizes.subList(0, 4)).containsExactly(2048, 4096, 8192, 16384);
        // five reads while the buffer doubles to 62 KiB, then one per ~65 KiB: far fewer than one per 17,000 bytes
        assertThat(raw.reads).isLessThanOrEqualTo(2 + 300_000 / RecordSocket.FOUR_RECORDS + 6);

        // a socket that has only a little: one read returns it, without waiting for the buffer to fill
        ChunkedIn trickle = new ChunkedIn(random(100, 3), 10);
        RecordSocket.ReadAhead slow =
                new RecordSocket.ReadAhead(trickle, new RecordSocket.RecordOutput(new CountingOut()));
        assertThat(slow.read(new byte[50], 0, 50)).isEqualTo(10);
    }

    @Test
    void skipAndAvailableUseTheBufferFirst() throws IOException {
        byte[] wire = random(5000, 4);
        RecordSocket.ReadAhead in = new RecordSocket.ReadAhead(
                new ChunkedIn(wire, 1 << 20), new RecordSocket.RecordOutput(new CountingOut()));
        assertThat(in.read()).isEqualTo(wire[0] & 0xff);
        assertThat(in.available()).isEqualTo(2047);
        assertThat(in.skip(47)).isEqualTo(47);
        assertThat(in.read()).isEqualTo(wire[48] & 0xff);
        assertThat(in.skip(10_000)).isEqualTo(1999); // the rest of the buffer only
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(wire, 2048, 5000));
    }

    @Test
    void outsideABatchEveryWriteGoesOutAtOnce() throws IOException {
        CountingOut raw = new CountingOut();
        RecordSocket.RecordOutput out = new RecordSocket.RecordOutput(raw);
        out.write(new byte[] {1, 2, 3}, 0, 3);
        out.flush();
        assertThat(raw.writes).containsExactly(3);
        out.write(7);
        assertThat(raw.writes).containsExactly(3, 1);
        assertThat(raw.bytes.toByteArray()).containsExactly(1, 2, 3, 7);
    }

    @Test
    void insideABatchTheRecordsLeaveInOneWriteWhenItEnds() throws IOException {
        CountingOut raw = new CountingOut();
        RecordSocket.RecordOutput out = new RecordSocket.RecordOutput(raw);
        byte[] records = random(4 * 16_406, 5);
        RecordBatch.write(() -> {
            for (int r = 0; r < 4; r++) {
                out.write(records, r * 16_406, 16_406);
                out.flush(); // as the JDK does after every record
                assertThat(raw.writes).as("held until the batch ends").isEmpty();
            }
        });
        assertThat(raw.writes).containsExactly(4 * 16_406);
        assertThat(raw.bytes.toByteArray()).isEqualTo(records);

        RecordBatch.write(() -> out.write(records, 0, 100)); // the buffer is reused, and nothing is left over
        assertThat(raw.writes).containsExactly(4 * 16_406, 100);
        RecordBatch.write(() -> {}); // a batch that wrote nothing sends nothing
        assertThat(raw.writes).hasSize(2);
    }

    @Test
    void aBatchsThreadThatReadsTheSameSocketSendsWhatTheBatchHoldsFirst() throws IOException {
        // the TLS handshake, started by the first write inside a batch, waits for the peer's answer
        CountingOut raw = new CountingOut();
        RecordSocket.RecordOutput out = new RecordSocket.RecordOutput(raw);
        RecordSocket.ReadAhead in = new RecordSocket.ReadAhead(new ChunkedIn(new byte[] {42}, 1 << 20), out);
        RecordBatch.write(() -> {
            out.write(new byte[] {1, 2}, 0, 2);
            assertThat(raw.writes).isEmpty();
            assertThat(in.read()).isEqualTo(42);
            assertThat(raw.writes).as("sent before the read").containsExactly(2);
            out.write(new byte[] {3}, 0, 1);
        });
        assertThat(raw.writes).containsExactly(2, 1);

        // a reader outside any batch (the connection's reader thread) leaves the batch's records where they are
        RecordSocket.ReadAhead other = new RecordSocket.ReadAhead(new ChunkedIn(new byte[] {7}, 1 << 20), out);
        RecordBatch.write(() -> {
            out.write(new byte[] {4}, 0, 1);
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    read.complete(other.read());
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            assertThat(read.join()).isEqualTo(7);
            assertThat(raw.writes).containsExactly(2, 1);
        });
        assertThat(raw.writes).containsExactly(2, 1, 1);
    }

    @Test
    void aWriteFromAnotherThreadWhileABatchHoldsRecordsSendsThemFirstInOrder() throws Exception {
        CountingOut raw = new CountingOut();
        RecordSocket.RecordOutput out = new RecordSocket.RecordOutput(raw);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(1);
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        try (pool) {
            Future<?> batch = pool.submit(() -> {
                RecordBatch.write(() -> {
                    out.write(new byte[] {1, 1}, 0, 2);
                    held.countDown();
                    try {
                        answered.await(); // e.g. the TLS reader answering a KeyUpdate in between
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    out.write(new byte[] {3, 3}, 0, 2);
                });
                return null;
            });
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(raw.writes).isEmpty();
            out.write(new byte[] {2}, 0, 1); // not in the batch's scope: must not overtake the held record
            answered.countDown();
            batch.get(10, TimeUnit.SECONDS);
        }
        assertThat(raw.bytes.toByteArray()).containsExactly(1, 1, 2, 3, 3);
        assertThat(raw.writes).containsExactly(3, 2);
    }

    @Test
    void mutualTlsOverRecordSocketsCarriesBatchedAndSmallWritesIntact() throws Exception {
        TestPki pki = TestPki.create();
        SpiffeId serverId = SpiffeId.of("", "default", "httpbin");
        CertifiedKey server = pki.issue(serverId);
        CertifiedKey client = pki.issue(SpiffeId.of("", "default", "sleep"));
        byte[] bulk = random(1 << 20, 6);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // the server echoes everything back: large reads in batches, as HBONE's frames go
            CompletableFuture<SpiffeId> peer = new CompletableFuture<>();
            pool.submit(() -> {
                try (Socket tcp = listener.accept()) {
                    Mtls.Accepted accepted = Mtls.acceptMutual(tcp, server, pki.roots(), "cluster.local");
                    peer.complete(accepted.peer());
                    SSLSocket tls = accepted.socket();
                    InputStream in = tls.getInputStream();
                    OutputStream out = tls.getOutputStream();
                    byte[] buf = new byte[65_468];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        int len = n;
                        RecordBatch.write(() -> out.write(buf, 0, len));
                    }
                } catch (Exception e) {
                    peer.completeExceptionally(e);
                }
                return null;
            });
            Socket tcp = new Socket();
            tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5000);
            SSLSocket tls = Mtls.connectMutual(pki.clientContext(client, serverId), tcp);
            tls.setSoTimeout(10_000);
            try (tls) {
                OutputStream out = tls.getOutputStream();
                Future<byte[]> echoed = pool.submit(() -> tls.getInputStream().readNBytes(bulk.length + 3));
                for (int off = 0; off < bulk.length; off += 65_468) {
                    int o = off;
                    RecordBatch.write(() -> out.write(bulk, o, Math.min(65_468, bulk.length - o)));
                }
                out.write(new byte[] {9, 8, 7}); // a small message outside any batch is not held back
                byte[] back = echoed.get(20, TimeUnit.SECONDS);
                assertThat(Arrays.copyOf(back, bulk.length)).isEqualTo(bulk);
                assertThat(Arrays.copyOfRange(back, bulk.length, bulk.length + 3))
                        .containsExactly(9, 8, 7);
            }
            assertThat(peer.get(10, TimeUnit.SECONDS)).isEqualTo(SpiffeId.of("", "default", "sleep"));
        }
    }
}
