package io.ambient4j.common.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-direction chunk sizes: aligned maximums for TLS-backed sides, small buffers while traffic is small. */
class RelayChunkTest {

    /** A side that serves {@code data} in reads of at most {@code maxRead} bytes and records the lengths asked. */
    static final class Recording implements Relay.Side {
        final List<Integer> asked = new ArrayList<>();
        final List<Integer> written = new ArrayList<>();
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        private final byte[] data;
        private final int maxRead;
        private int pos;

        Recording(byte[] data, int maxRead) {
            this.data = data;
            this.maxRead = maxRead;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            asked.add(length);
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, maxRead), data.length - pos);
            System.arraycopy(data, pos, buffer, offset, n);
            pos += n;
            return n;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            written.add(length);
            sink.write(buffer, offset, length);
        }

        @Override
        public void shutdownOutput() {}

        @Override
        public void close() throws IOException {}
    }

    @Test
    void bulkGrowsToTheAlignedChunkAndNeverWritesMore() throws Exception {
        byte[] bulk = new byte[1 << 20];
        new java.util.Random(3).nextBytes(bulk);
        Recording a = new Recording(bulk, Integer.MAX_VALUE);
        Recording b = new Recording(new byte[0], Integer.MAX_VALUE);
        Relay.Result r = Relay.relay(a, b, 65459, 16384);
        assertThat(r.aToB()).isEqualTo(bulk.length);
        assertThat(b.sink.toByteArray()).isEqualTo(bulk);
        assertThat(a.asked.subList(0, 4)).containsExactly(2048, 16384, 65459, 65459);
        assertThat(b.written).allMatch(n -> n <= 65459);
    }

    @Test
    void smallMessagesKeepTheSmallBuffer() throws Exception {
        Recording a = new Recording(new byte[100_000], 1024);
        Recording b = new Recording(new byte[0], Integer.MAX_VALUE);
        Relay.relay(a, b, 65459, 65459);
        assertThat(a.asked).allMatch(n -> n == 2048);
        assertThat(b.sink.size()).isEqualTo(100_000);
    }
}
