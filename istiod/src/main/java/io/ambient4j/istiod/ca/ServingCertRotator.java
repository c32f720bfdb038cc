package io.ambient4j.istiod.ca;

import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.TlsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps istiod's 15012 serving certificate fresh: one virtual thread reissues it at half-life, or at once when
 * the mesh CA changes, and hands each new certificate to the TLS server. Without this a serving certificate
 * would simply expire under a long-running istiod.
 */
public final class ServingCertRotator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServingCertRotator.class.getName());
    /** Pause before retrying a failed reissue (e.g. the CA itself has expired). */
    static final Duration RETRY = Duration.ofSeconds(10);

    private final Supplier<MeshCa> ca;
    private final List<String> dnsNames;
    private final Duration ttl;
    private final Clock clock;
    private Consumer<ServingCertificate.Issued> install;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean caChanged;
    private boolean closed;
    private volatile ServingCertificate.Issued current;
    private volatile Instant issuedAt;
    private Thread thread;

    /**
     * @param ca the CA currently signing
     * @param dnsNames istiod's DNS SANs
     * @param ttl requested lifetime of each certificate
     * @param clock time source (tests)
     */
    public ServingCertRotator(Supplier<MeshCa> ca, List<String> dnsNames, Duration ttl, Clock clock) {
        this.ca = ca;
        this.dnsNames = List.copyOf(dnsNames);
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Issues the first certificate now (the server needs it before it can bind); the caller installs it. */
    public ServingCertificate.Issued issueInitial() {
        issuedAt = clock.instant();
        current = ServingCertificate.issue(ca.get(), dnsNames, ttl);
        return current;
    }

    /**
     * Starts renewing {@link #issueInitial}'s certificate.
     *
     * @param install puts a new certificate into service (called on the rotator's thread)
     */
    public ServingCertRotator start(Consumer<ServingCertificate.Issued> install) {
        if (current == null) {
            throw new IllegalStateException("issueInitial() first");
        }
        this.install = install;
        thread = Thread.ofVirtual().name("serving-cert-rotator").start(this::run);
        return this;
    }

    /** The certificate in service. */
    public ServingCertificate.Issued current() {
        return current;
    }

    /** The CA changed: reissue now so 15012 chains to the new CA. */
    public void caChanged() {
        lock.lock();
        try {
            caChanged = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Instant due = ServingCertificate.renewAt(issuedAt, current.leaf());
        while (true) {
            lock.lock();
            try {
                while (!closed && !caChanged) {
                    long waitNanos = Duration.between(clock.instant(), due).toNanos();
                    if (waitNanos <= 0) {
                        break;
                    }
                    wake.awaitNanos(Math.min(waitNanos, TimeUnit.MINUTES.toNanos(1)));
                }
                if (closed) {
                    return;
                }
                caChanged = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            try {
                Instant now = clock.instant();
                ServingCertificate.Issued fresh = ServingCertificate.issue(ca.get(), dnsNames, ttl);
                install.accept(fresh);
                current = fresh;
                issuedAt = now;
                due = ServingCertificate.renewAt(now, fresh.leaf());
                LOG.log(
                        System.Logger.Level.INFO,
                        "istiod serving certificate renewed; valid until "
                                + fresh.leaf().getNotAfter() + ", next renewal at " + due);
            } catch (TlsException | IllegalStateException | IllegalArgumentException e) {
                // The CA cannot sign (expired, key unusable) or the server refused the new TLS config: keep
                // serving the current certificate and try again shortly.
                due = clock.instant().plus(RETRY);
                LOG.log(
                        System.Logger.Level.ERROR,
                        "cannot renew istiod's serving certificate (retrying in " + RETRY.toSeconds() + "s): "
                                + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
