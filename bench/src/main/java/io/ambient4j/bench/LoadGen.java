package io.ambient4j.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** The tunnel benchmark's client side: bulk throughput, fixed-rate request/response latency, idle connections. */
final class LoadGen {
    /** Request and response size of the latency test. */
    static final int MESSAGE = 1024;

    private LoadGen() {}

    /** One bulk transfer: bytes the sink confirmed and the rate. */
    record Bulk(long bytes, double mbPerSecond) {}

    /**
     * One connection sending 64 KiB writes for {@code duration}, then half-closing; the sink answers the byte count
     * it saw. The rate is MB/s (10^6 bytes) from the first write to the sink's answer, so bytes still in flight count.
     */
    static Bulk throughput(TunnelPath p, Duration duration) throws IOException {
        try (Socket s = connect(p)) {
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            long t0 = System.nanoTime();
            long end = t0 + duration.toNanos();
            out.write(Sink.BULK);
            long sent = 0;
            while (System.nanoTime() < end) {
                out.write(chunk);
                sent += chunk.length;
            }
            s.shutdownOutput();
            long got = new DataInputStream(s.getInputStream()).readLong();
            long took = System.nanoTime() - t0;
            if (got != sent) {
                throw new IOException(p.name() + ": sink counted " + got + " of " + sent + " bytes");
            }
            return new Bulk(sent, sent / 1e6 / (took / 1e9));
        }
    }

    /**
     * {@code connections} connections, each sending a {@value #MESSAGE}-byte request and reading the echoed
     * response on a fixed schedule ({@code ratePerSecond} in total, staggered across connections) for
     * {@code duration}. Round-trip times in nanoseconds, corrected for coordinated omission: when a response comes
     * back after the next request's scheduled time, that request's latency counts from its scheduled time, not from
     * when it could finally be sent; when the generator itself wakes late (timer slack on a loaded machine), the
     * request counts from its actual send, so the generator's own jitter is not charged to the path.
     */
    static Histogram latency(TunnelPath p, int connections, int ratePerSecond, Duration duration) throws Exception {
        long interval = 1_000_000_000L * connections / ratePerSecond;
        int count = (int) (duration.toNanos() / interval);
        List<Histogram> perConnection = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Exception> errors = new CopyOnWriteArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Socket s = connect(p);
            sockets.add(s);
            s.getOutputStream().write(Sink.ECHO);
        }
        long start = System.nanoTime() + 20_000_000L;
        for (int c = 0; c < connections; c++) {
            Histogram h = new Histogram(60_000_000_000L, 3);
            perConnection.add(h);
            Socket s = sockets.get(c);
            long first = start + c * interval / connections;
            threads.add(Thread.ofPlatform().name("latency-" + c).start(() -> {
                try (s) {
                    run(s, h, first, interval, count);
                } catch (Exception e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new IOException(p.name() + ": latency run failed", errors.getFirst());
        }
        Histogram all = new Histogram(60_000_000_000L, 3);
        perConnection.forEach(all::add);
        return all;
    }

    private static void run(Socket s, Histogram h, long first, long interval, int count) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] req = new byte[MESSAGE];
        byte[] resp = new byte[MESSAGE];
        long previousEnd = 0;
        for (int i = 0; i < count; i++) {
            long intended = first + i * interval;
            long now;
            while ((now = System.nanoTime()) < intended) {
                LockSupport.parkNanos(intended - now);
            }
            long from = previousEnd > intended ? intended : now;
            out.write(req);
            int got = 0;
            while (got < MESSAGE) {
                int n = in.read(resp, got, MESSAGE - got);
                if (n < 0) {
                    throw new IOException("connection closed after " + i + " requests");
                }
                got += n;
            }
            previousEnd = System.nanoTime();
            h.recordValue(previousEnd - from);
        }
    }

    /** {@code n} connections through the path, each proven end to end by one echoed byte, then left open. */
    static List<Socket> openIdle(TunnelPath p, int n) throws IOException {
        List<Socket> open = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = connect(p);
                open.add(s);
                s.getOutputStream().write(new byte[] {Sink.ECHO, 1});
                if (s.getInputStream().read() != 1) {
                    throw new IOException(p.name() + ": idle connection " + i + " did not echo");
                }
            }
            return open;
        } catch (IOException e) {
            closeAll(open);
            throw new IOException(p.name() + ": opening idle connection " + (open.size() - 1) + " failed", e);
        } catch (RuntimeException e) {
            closeAll(open);
            throw e;
        }
    }

    static void closeAll(List<Socket> open) {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    static Socket connect(TunnelPath p) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(p.bindFrom(), 0));
            s.connect(p.entry(), 5000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
