package io.ambient4j.cni.zds;

import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.Netns;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The enrolled pods of this node, in enrolment order: the snapshot every connecting ztunnel receives.
 * It owns the netns handles it holds and closes one when its pod is replaced or removed.
 */
public final class PodCache {
    private static final System.Logger LOG = System.getLogger(PodCache.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ZdsPod> pods = new LinkedHashMap<>();

    /** Inserts or replaces a pod. */
    public void put(ZdsPod pod) {
        ZdsPod old;
        lock.lock();
        try {
            old = pods.put(pod.uid(), pod);
        } finally {
            lock.unlock();
        }
        if (old != null && !sameHandle(old, pod)) {
            closeQuietly(old);
        }
    }

    /** Removes a pod and closes its netns handle. */
    public Optional<ZdsPod> remove(String uid) {
        ZdsPod old;
        lock.lock();
        try {
            old = pods.remove(uid);
        } finally {
            lock.unlock();
        }
        if (old != null) {
            closeQuietly(old);
        }
        return Optional.ofNullable(old);
    }

    /** The current pods, in enrolment order. */
    public List<ZdsPod> snapshot() {
        lock.lock();
        try {
            return List.copyOf(new ArrayList<>(pods.values()));
        } finally {
            lock.unlock();
        }
    }

    private static boolean sameHandle(ZdsPod a, ZdsPod b) {
        return a.netns().isPresent()
                && b.netns().isPresent()
                && a.netns().get() == b.netns().get();
    }

    private static void closeQuietly(ZdsPod pod) {
        if (pod.netns().isPresent()) {
            Netns ns = pod.netns().get();
            try {
                ns.close();
            } catch (NetException e) {
                LOG.log(Level.WARNING, "closing netns of pod {0}: {1}", pod.uid(), e.getMessage());
            }
        }
    }
}
