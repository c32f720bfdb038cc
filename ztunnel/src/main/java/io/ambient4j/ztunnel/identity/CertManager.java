package io.ambient4j.ztunnel.identity;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds one certificate per SPIFFE identity served by this ztunnel (ambient-spec §4, upstream
 * {@code identity/manager.rs}): fetched on first need, refreshed at half-life, kept while still valid when a refresh
 * fails, retried with per-identity exponential backoff up to 150 s. Fetches are queued by priority: a connection
 * waiting for a certificate ({@link Priority#REAL_TIME}) goes before a pre-fetch for a pod starting on this node
 * ({@link Priority#WARMUP}) and before refreshes ({@link Priority#BACKGROUND}); a few worker threads bound how many
 * CSRs are in flight at the CA.
 */
public final class CertManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CertManager.class.getName());

    /** Upstream's cap on the per-identity retry delay. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(150);
    /** First retry delay after a failed fetch. */
    public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** Concurrent fetches at the CA. */
    public static final int DEFAULT_WORKERS = 8;

    /** Who is waiting for a fetch; lower ordinal goes first. */
    public enum Priority {
        REAL_TIME,
        WARMUP,
        BACKGROUND
    }

    private record Task(SpiffeId id, Priority priority, long dueNanos, long seq) {}

    private static final class Entry {
        WorkloadCertificate cert;
        CertificateFetchException lastError;
        Task pending;
        boolean inFlight;
        int failures;
        long attempts;
    }

    private final CaClient ca;
    private final Clock clock;
    private final Duration initialBackoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<SpiffeId, Entry> entries = new HashMap<>();
    private final PriorityQueue<Task> delayed = new PriorityQueue<>(
            (a, b) -> a.dueNanos != b.dueNanos ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.seq, b.seq));
    private final PriorityQueue<Task> ready = new PriorityQueue<>(
            (a, b) -> a.priority != b.priority ? a.priority.compareTo(b.priority) : Long.compare(a.seq, b.seq));
    private final List<Thread> workers = new ArrayList<>();
    private long seq;
    private boolean closed;

    private CertManager(CaClient ca, Clock clock, Duration initialBackoff, int workerCount) {
        this.ca = ca;
        this.clock = clock;
        this.initialBackoff = initialBackoff;
        for (int i = 0; i < workerCount; i++) {
            workers.add(Thread.ofVirtual().name("cert-fetch-" + i).start(this::work));
        }
    }

    public static CertManager create(CaClient ca) {
        return new CertManager(ca, Clock.systemUTC(), INITIAL_BACKOFF, DEFAULT_WORKERS);
    }

    /** For tests: a clock for validity checks, a shorter first backoff and a worker count. */
    public static CertManager create(CaClient ca, Clock clock, Duration initialBackoff, int workers) {
        return new CertManager(ca, clock, initialBackoff, workers);
    }

    /**
     * The valid certificate for {@code id}, fetching it with real-time priority if there is none. Blocks for at most
     * {@code timeout}; fails with the CA's error when the fetch made for this call fails.
     */
    public WorkloadCertificate get(SpiffeId id, Duration timeout) throws CertificateFetchException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            Entry e = entries.computeIfAbsent(id, k -> new Entry());
            if (e.cert != null && e.cert.isValidAt(clock.instant())) {
                return e.cert;
            }
            if (e.lastError != null && e.pending != null && e.pending.dueNanos > System.nanoTime()) {
                throw e.lastError; // backing off: fail this connection now rather than hammer the CA
            }
            schedule(id, e, Priority.REAL_TIME, System.nanoTime());
            long attemptsBefore = e.attempts;
            while (true) {
                if (closed) {
                    throw new CertificateFetchException(CertificateFetchException.Reason.CLOSED, "closed", null);
                }
                Entry now = entries.get(id);
                if (now == null) {
                    throw new CertificateFetchException(
                            CertificateFetchException.Reason.CLOSED, id + " was forgotten while waiting", null);
                }
                if (now.cert != null && now.cert.isValidAt(clock.instant())) {
                    return now.cert;
                }
                if (now.attempts > attemptsBefore && !now.inFlight && now.lastError != null) {
                    throw now.lastError;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new CertificateFetchException(
                            CertificateFetchException.Reason.TIMEOUT,
                            "no certificate for " + id + " within " + timeout,
                            null);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new CertificateFetchException(CertificateFetchException.Reason.TIMEOUT, "interrupted", ie);
        } finally {
            lock.unlock();
        }
    }

    /** The certificate held for {@code id}, if any (config dump, tests); never fetches. */
    public Optional<WorkloadCertificate> current(SpiffeId id) {
        lock.lock();
        try {
            Entry e = entries.get(id);
            return e == null ? Optional.empty() : Optional.ofNullable(e.cert);
        } finally {
            lock.unlock();
        }
    }

    /** Identities held or being fetched (config dump). */
    public List<SpiffeId> identities() {
        lock.lock();
        try {
            return List.copyOf(entries.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Starts fetching {@code id} in the background (warm-up) unless it is held or already queued. */
    public void prefetch(SpiffeId id) {
        lock.lock();
        try {
            Entry e = entries.computeIfAbsent(id, k -> new Entry());
            if (e.cert == null && e.pending == null && !e.inFlight) {
                schedule(id, e, Priority.WARMUP, System.nanoTime());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Pre-fetches the identities of every workload on {@code node} (called on each new xDS state). */
    public void prefetchNode(ProxyState state, String node) {
        if (node.isEmpty()) {
            return;
        }
        for (Workload w : state.workloads()) {
            if (node.equals(w.node())) {
                prefetch(w.identity());
            }
        }
    }

    /** Drops {@code id} (its last pod left the node); queued work for it is discarded. */
    public void forget(SpiffeId id) {
        lock.lock();
        try {
            entries.remove(id);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a fetch, or raises the priority / advances the due time of one already queued. Holds the lock. */
    private void schedule(SpiffeId id, Entry e, Priority p, long dueNanos) {
        if (e.inFlight) {
            return; // the fetch under way will wake every waiter
        }
        if (e.pending != null && e.pending.priority.compareTo(p) <= 0 && e.pending.dueNanos <= dueNanos) {
            return;
        }
        Task t = new Task(id, p, dueNanos, seq++);
        e.pending = t;
        delayed.add(t);
        changed.signalAll();
    }

    private void work() {
        while (true) {
            Task task;
            Entry entry;
            lock.lock();
            try {
                task = null;
                while (task == null) {
                    if (closed) {
                        return;
                    }
                    long now = System.nanoTime();
                    while (!delayed.isEmpty() && delayed.peek().dueNanos <= now) {
                        ready.add(delayed.poll());
                    }
                    Task head = ready.poll();
                    if (head != null) {
                        Entry e = entries.get(head.id);
                        if (e != null && e.pending == head) {
                            task = head;
                        }
                        continue;
                    }
                    if (delayed.isEmpty()) {
                        changed.await();
                    } else {
                        changed.awaitNanos(delayed.peek().dueNanos - now);
                    }
                }
                entry = entries.get(task.id);
                entry.pending = null;
                entry.inFlight = true;
            } catch (InterruptedException ie) {
                return;
            } finally {
                lock.unlock();
            }
            fetch(task, entry);
        }
    }

    private void fetch(Task task, Entry entry) {
        WorkloadCertificate cert = null;
        CertificateFetchException error = null;
        try {
            cert = ca.fetch(task.id);
        } catch (CertificateFetchException e) {
            error = e;
        } catch (RuntimeException e) {
            error = new CertificateFetchException(CertificateFetchException.Reason.BAD_RESPONSE, e.toString(), e);
        }
        lock.lock();
        try {
            entry.inFlight = false;
            entry.attempts++;
            if (entries.get(task.id) != entry) {
                return; // forgotten meanwhile
            }
            if (cert != null) {
                entry.cert = cert;
                entry.lastError = null;
                entry.failures = 0;
                Duration untilRefresh = refreshDelay(cert, clock.instant());
                LOG.log(
                        Level.INFO,
                        "certificate for {0} valid until {1}, refresh in {2}",
                        task.id,
                        cert.notAfter(),
                        untilRefresh);
                schedule(task.id, entry, Priority.BACKGROUND, System.nanoTime() + Math.max(0, untilRefresh.toNanos()));
            } else {
                entry.lastError = error;
                entry.failures++;
                Duration delay = backoff(initialBackoff, entry.failures);
                boolean stillValid = entry.cert != null && entry.cert.isValidAt(clock.instant());
                LOG.log(
                        Level.WARNING,
                        "certificate fetch for {0} failed ({1}); {2}retrying in {3}",
                        task.id,
                        error.getMessage(),
                        stillValid ? "keeping the valid certificate, " : "",
                        delay);
                Priority retry = task.priority == Priority.BACKGROUND && !stillValid ? Priority.WARMUP : task.priority;
                schedule(task.id, entry, retry, System.nanoTime() + delay.toNanos());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Time until the refresh at half-life. A CA that back-dates {@code notBefore} for clock skew (istiod: 2 minutes)
     * can put half-life in the past for short TTLs; then half of the remaining validity is used, never less than
     * 100 ms, so a short-lived certificate never makes a hot loop.
     */
    static Duration refreshDelay(WorkloadCertificate cert, Instant now) {
        Duration d = Duration.between(now, cert.refreshAt());
        if (d.isNegative() || d.isZero()) {
            d = Duration.between(now, cert.notAfter()).dividedBy(2);
        }
        Duration floor = Duration.ofMillis(100);
        return d.compareTo(floor) < 0 ? floor : d;
    }

    /** {@code initial × 2^(failures-1)}, capped at {@link #MAX_BACKOFF}. Pure, for the table test. */
    static Duration backoff(Duration initial, int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 20);
        Duration d = initial.multipliedBy(1L << shift);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** When the held certificate for {@code id} will be refreshed, if one is held. */
    public Optional<Instant> refreshAt(SpiffeId id) {
        return current(id).map(WorkloadCertificate::refreshAt);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
