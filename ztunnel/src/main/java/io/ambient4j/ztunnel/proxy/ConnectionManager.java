package io.ambient4j.ztunnel.proxy;

import io.ambient4j.ztunnel.rbac.Authorizer;
import io.ambient4j.ztunnel.rbac.Connection;
import io.ambient4j.ztunnel.rbac.Decision;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Open inbound connections (HBONE streams and plaintext) with the facts authorization decided them on. Beyond
 * upstream's per-connection check at accept time: every new state re-evaluates them, and a connection a new policy
 * denies is closed ({@code connection_manager.rs} does this for policy updates too). Evaluation is the pure
 * {@link Authorizer}; this class only holds the list and pulls the trigger.
 */
public final class ConnectionManager {
    private static final System.Logger LOG = System.getLogger(ConnectionManager.class.getName());

    /** One tracked connection; {@link #revoked()} tells the relay's owner why it ended. */
    public static final class Tracked implements AutoCloseable {
        private final ConnectionManager owner;
        final Connection rbac;
        final Workload destination;
        private final Runnable terminate;
        private final AtomicBoolean revoked = new AtomicBoolean();

        private Tracked(ConnectionManager owner, Connection rbac, Workload destination, Runnable terminate) {
            this.owner = owner;
            this.rbac = rbac;
            this.destination = destination;
            this.terminate = terminate;
        }

        /** True when a policy change closed this connection. */
        public boolean revoked() {
            return revoked.get();
        }

        /** Stops tracking (the connection ended). */
        @Override
        public void close() {
            owner.live.remove(this);
        }
    }

    private final Set<Tracked> live = ConcurrentHashMap.newKeySet();
    private final ReentrantLock recheckLock = new ReentrantLock();

    /** Tracks a connection allowed for {@code rbac} to {@code destination}; {@code terminate} closes it. */
    public Tracked track(Connection rbac, Workload destination, Runnable terminate) {
        Tracked t = new Tracked(this, rbac, destination, terminate);
        live.add(t);
        return t;
    }

    public int size() {
        return live.size();
    }

    /**
     * Re-evaluates every open connection against {@code state} and closes the ones now denied. The destination's
     * current record is used (its selector policies may have changed); a workload gone from xDS keeps its old one.
     *
     * @return how many connections were closed
     */
    public int recheck(ProxyState state) {
        recheckLock.lock();
        try {
            int closed = 0;
            for (Tracked t : live) {
                Workload dst = state.workload(t.destination.uid()).orElse(t.destination);
                Decision d = Authorizer.evaluate(t.rbac, state.applicablePolicies(dst));
                if (!d.allowed() && t.revoked.compareAndSet(false, true)) {
                    LOG.log(
                            Level.INFO,
                            "closing {0}: no longer allowed ({1}{2})",
                            t.rbac,
                            d.outcome(),
                            d.policy().map(p -> " by " + p).orElse(""));
                    live.remove(t);
                    t.terminate.run();
                    closed++;
                }
            }
            return closed;
        } finally {
            recheckLock.unlock();
        }
    }
}
