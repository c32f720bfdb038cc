package io.ambient4j.common.hbone;

import io.ambient4j.common.identity.SpiffeId;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * Outbound HBONE connections shared per workload key, as ztunnel pools them: a stream reuses a
 * connection of its key that has a free slot, a new connection is dialled only when every one is at
 * the per-connection cap (POOL_MAX_STREAMS_PER_CONNECTION), and connections with no streams for
 * POOL_UNUSED_RELEASE_TIMEOUT are closed. Dialling is injected so ztunnel can dial from inside a pod's
 * network namespace with that pod's certificate.
 */
public final class HbonePool implements Closeable {
    private static final System.Logger LOG = System.getLogger(HbonePool.class.getName());

    /** POOL_MAX_STREAMS_PER_CONNECTION default. */
    public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = 100;
    /** POOL_UNUSED_RELEASE_TIMEOUT default. */
    public static final Duration DEFAULT_UNUSED_RELEASE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * What makes two tunnels share a connection: the client identity presented, the identities the
     * server may present, the source IP dialled from and the destination {@code ip:15008}.
     */
    public record Key(
            SpiffeId sourceIdentity,
            Set<SpiffeId> destinationIdentities,
            InetAddress sourceIp,
            InetSocketAddress destination) {
        public Key {
            destinationIdentities = Set.copyOf(destinationIdentities);
        }
    }

    /** Dials and completes mutual TLS (ALPN h2, destination SAN checked) for a key. */
    @FunctionalInterface
    public interface Connector {
        SSLSocket connect(Key key) throws IOException;
    }

    private final Connector connector;
    private final HboneSettings settings;
    private final Duration unusedReleaseTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closing = lock.newCondition();
    private final Map<Key, Entry> entries = new HashMap<>();
    private final Thread sweeper;
    private boolean closed;

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        final List<HboneClient> clients = new ArrayList<>();
    }

    private HbonePool(Connector connector, HboneSettings settings, Duration unusedReleaseTimeout) {
        this.connector = connector;
        this.settings = settings;
        this.unusedReleaseTimeout = unusedReleaseTimeout;
        this.sweeper = Thread.ofVirtual().name("hbone-pool-sweeper").start(this::sweepLoop);
    }

    /**
     * @param maxStreamsPerConnection POOL_MAX_STREAMS_PER_CONNECTION
     * @param unusedReleaseTimeout POOL_UNUSED_RELEASE_TIMEOUT
     */
    public static HbonePool create(
            Connector connector, HboneSettings settings, int maxStreamsPerConnection, Duration unusedReleaseTimeout) {
        return new HbonePool(
                connector, settings.withMaxStreamsPerConnection(maxStreamsPerConnection), unusedReleaseTimeout);
    }

    public static HbonePool create(Connector connector) {
        return create(
                connector,
                HboneSettings.defaults(),
                DEFAULT_MAX_STREAMS_PER_CONNECTION,
                DEFAULT_UNUSED_RELEASE_TIMEOUT);
    }

    /** Opens a tunnel to {@code authority} over a pooled connection of {@code key}. */
    public HboneStream open(Key key, String authority, HboneHeaders headers) throws IOException {
        HboneClient client = acquire(key);
        try {
            return client.openReserved(authority, headers);
        } catch (HboneException e) {
            if (!retryable(e)) {
                throw e;
            }
            // The server refused the stream unprocessed (REFUSED_STREAM, or beyond its GOAWAY while
            // draining): it never reached the application, so one retry on another connection is safe.
            return acquire(key).openReserved(authority, headers);
        }
    }

    private static boolean retryable(HboneException e) {
        return e.reason() == HboneException.Reason.RESET
                && e.errorCode() == io.helidon.http.http2.Http2ErrorCode.REFUSED_STREAM.code();
    }

    /** A connection of {@code key} with one stream slot reserved, dialling one if all are full. */
    private HboneClient acquire(Key key) throws IOException {
        Entry entry;
        lock.lock();
        try {
            if (closed) {
                throw HboneException.closed("HBONE pool closed", null);
            }
            entry = entries.computeIfAbsent(key, k -> new Entry());
        } finally {
            lock.unlock();
        }
        entry.lock.lock();
        try {
            entry.clients.removeIf(c -> !c.isAvailable() && c.activeStreams() == 0);
            for (HboneClient c : entry.clients) {
                if (c.isAvailable() && c.tryReserve()) {
                    return c;
                }
            }
            // Every connection is at its cap (or there is none): dial while holding this key's lock,
            // so concurrent openers of the same key reuse the new connection instead of dialling too.
            HboneClient fresh = HboneClient.connect(connector.connect(key), settings);
            entry.clients.add(fresh);
            LOG.log(System.Logger.Level.DEBUG, "hbone pool: new connection #{0} for {1}", entry.clients.size(), key);
            if (!fresh.tryReserve()) {
                throw HboneException.closed("new HBONE connection has no stream capacity", null);
            }
            return fresh;
        } finally {
            entry.lock.unlock();
        }
    }

    /** Live connections of {@code key} (diagnostics and tests). */
    public int connectionCount(Key key) {
        Entry entry;
        lock.lock();
        try {
            entry = entries.get(key);
        } finally {
            lock.unlock();
        }
        if (entry == null) {
            return 0;
        }
        entry.lock.lock();
        try {
            return (int) entry.clients.stream().filter(HboneClient::isAvailable).count();
        } finally {
            entry.lock.unlock();
        }
    }

    /** Closes connections without streams for the release timeout and forgets dead ones. */
    void sweepIdle() {
        List<Map.Entry<Key, Entry>> all;
        lock.lock();
        try {
            all = new ArrayList<>(entries.entrySet());
        } finally {
            lock.unlock();
        }
        long timeout = unusedReleaseTimeout.toNanos();
        for (Map.Entry<Key, Entry> e : all) {
            Entry entry = e.getValue();
            entry.lock.lock();
            try {
                entry.clients.removeIf(c -> {
                    if (!c.isAvailable()) {
                        return c.activeStreams() == 0;
                    }
                    if (c.activeStreams() == 0 && c.idleNanos() >= timeout) {
                        c.close();
                        return true;
                    }
                    return false;
                });
                if (entry.clients.isEmpty()) {
                    lock.lock();
                    try {
                        entries.remove(e.getKey(), entry);
                    } finally {
                        lock.unlock();
                    }
                }
            } finally {
                entry.lock.unlock();
            }
        }
    }

    private void sweepLoop() {
        long interval = Math.max(Duration.ofMillis(10).toNanos(), unusedReleaseTimeout.toNanos() / 4);
        interval = Math.min(interval, Duration.ofSeconds(30).toNanos());
        while (true) {
            lock.lock();
            try {
                long wait = interval;
                while (!closed && wait > 0) {
                    wait = closing.awaitNanos(wait);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            sweepIdle();
        }
    }

    /** Closes every pooled connection; open streams fail. */
    @Override
    public void close() {
        List<Entry> all;
        lock.lock();
        try {
            closed = true;
            closing.signalAll();
            all = new ArrayList<>(entries.values());
            entries.clear();
        } finally {
            lock.unlock();
        }
        for (Entry entry : all) {
            entry.lock.lock();
            try {
                entry.clients.forEach(HboneClient::close);
                entry.clients.clear();
            } finally {
                entry.lock.unlock();
            }
        }
        sweeper.interrupt();
    }
}
