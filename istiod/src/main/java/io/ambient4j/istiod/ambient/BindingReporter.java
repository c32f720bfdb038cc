package io.ambient4j.istiod.ambient;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the last {@code istio.io/WaypointBound} condition reported per object and tells the
 * {@link StatusSink} only about changes. On first sight of an object that asks for no waypoint, a condition
 * it still carries (written by an earlier istiod) is removed. Written by the index's writer thread only;
 * {@link #snapshot} may be read from any thread.
 */
final class BindingReporter {
    private final StatusSink sink;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, BindingStatus> current = new ConcurrentHashMap<>();

    BindingReporter(StatusSink sink) {
        this.sink = sink;
    }

    /**
     * @param next the condition now (null: none wanted)
     * @param carriesCondition whether the object as read from the API server has the condition
     */
    void report(BindingStatus.Target target, String ns, String name, BindingStatus next, boolean carriesCondition) {
        String key = key(target, ns, name);
        boolean known = !seen.add(key);
        BindingStatus prev = next == null ? current.remove(key) : current.put(key, next);
        if (known ? !Objects.equals(prev, next) : next != null || carriesCondition) {
            sink.bindingStatus(target, ns, name, next);
        }
    }

    /** The object is gone: nothing to write, and a later object of the same name starts fresh. */
    void forget(BindingStatus.Target target, String ns, String name) {
        String key = key(target, ns, name);
        seen.remove(key);
        current.remove(key);
    }

    /** Current conditions by {@code TARGET/ns/name} (for the debug dump and tests). */
    Map<String, BindingStatus> snapshot() {
        return Map.copyOf(current);
    }

    private static String key(BindingStatus.Target target, String ns, String name) {
        return target + "/" + ns + "/" + name;
    }
}
