package io.ambient4j.ztunnel.inpod;

import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real, minimal {@link WorkloadProxyFactory} for lifecycle tests: it opens real listeners through the given
 * {@link SocketFactory} (inside the pod netns in lab tests) and echoes bytes. It stands in for the data path only
 * where the test is about when listeners exist, not about what they carry. {@link #failNext} makes the next
 * starts fail, as a missing certificate would.
 */
final class EchoProxies implements WorkloadProxyFactory {
    private final String host;
    private final List<Integer> ports;
    final AtomicInteger failNext = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();
    /** Live handles by pod uid (the latest per uid). */
    final Map<String, EchoHandle> live = new ConcurrentHashMap<>();

    final List<EchoHandle> all = new CopyOnWriteArrayList<>();

    EchoProxies(String host, List<Integer> ports) {
        this.host = host;
        this.ports = List.copyOf(ports);
    }

    /** Ephemeral loopback ports: for tests that need no network namespace. */
    static EchoProxies loopback() {
        return new EchoProxies("127.0.0.1", List.of(0));
    }

    @Override
    public Handle start(PodInfo pod, SocketFactory sockets) throws IOException {
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("no certificate for " + pod.identity().uri() + " yet");
        }
        List<ServerSocketChannel> listeners = new ArrayList<>();
        try {
            for (int port : ports) {
                listeners.add(sockets.listen(new InetSocketAddress(host, port), 64));
            }
        } catch (IOException e) {
            for (ServerSocketChannel l : listeners) {
                l.close();
            }
            throw e;
        }
        starts.incrementAndGet();
        EchoHandle h = new EchoHandle(pod, listeners);
        live.put(pod.uid(), h);
        all.add(h);
        return h;
    }

    final class EchoHandle implements Handle {
        final PodInfo pod;
        final List<ServerSocketChannel> listeners;
        final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
        volatile String ended = "";

        EchoHandle(PodInfo pod, List<ServerSocketChannel> listeners) {
            this.pod = pod;
            this.listeners = listeners;
            for (ServerSocketChannel l : listeners) {
                Thread.ofVirtual().start(() -> accept(l));
            }
        }

        /** The bound port of the first listener. */
        int port() throws IOException {
            return ((InetSocketAddress) listeners.getFirst().getLocalAddress()).getPort();
        }

        private void accept(ServerSocketChannel l) {
            try {
                while (true) {
                    SocketChannel c = l.accept();
                    open.add(c);
                    Thread.ofVirtual().start(() -> echo(c));
                }
            } catch (IOException e) {
                // listener closed
            }
        }

        private void echo(SocketChannel c) {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            try (c) {
                while (c.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        c.write(buf);
                    }
                    buf.clear();
                }
            } catch (IOException e) {
                // closed
            } finally {
                open.remove(c);
            }
        }

        @Override
        public void stopAccepting() {
            for (ServerSocketChannel l : listeners) {
                try {
                    l.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void drain(Duration deadline) {
            stopAccepting();
            long until = System.nanoTime() + deadline.toNanos();
            while (!open.isEmpty() && System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            closeAll();
            ended = "drained";
            live.remove(pod.uid(), this);
        }

        @Override
        public void close() {
            stopAccepting();
            closeAll();
            ended = "closed";
            live.remove(pod.uid(), this);
        }

        private void closeAll() {
            for (SocketChannel c : open) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
