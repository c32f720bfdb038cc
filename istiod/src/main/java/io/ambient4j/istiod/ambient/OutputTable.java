package io.ambient4j.istiod.ambient;

import com.google.protobuf.Message;
import io.ambient4j.istiod.xds.XdsResource;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The published resources of one type URL, with change detection: a put whose serialized bytes equal the
 * current version is a no-op, so only real changes reach the pending delta. Written by the index's single
 * writer; {@link #snapshot} may be called from any thread.
 */
final class OutputTable {
    private final ConcurrentHashMap<String, XdsResource> published = new ConcurrentHashMap<>();
    private final Map<String, XdsResource> pendingUpserts = new LinkedHashMap<>();
    private final Set<String> pendingRemovals = new HashSet<>();
    /** source key → names it produced, so a source's deletion or shrink removes exactly its names. */
    private final Map<String, Set<String>> namesBySource = new HashMap<>();

    private final Listener listener;
    private final Function<Message, List<String>> aliasesOf;

    /** Told about every published change (writer thread), e.g. to maintain lookup indexes. */
    interface Listener {
        void changed(String name, Message previous, Message next);

        Listener NONE = (name, previous, next) -> {};
    }

    /**
     * @param listener told about every published change
     * @param aliasesOf the other names a resource body is known by (published with it)
     */
    OutputTable(Listener listener, Function<Message, List<String>> aliasesOf) {
        this.listener = listener;
        this.aliasesOf = aliasesOf;
    }

    OutputTable() {
        this(Listener.NONE, body -> List.of());
    }

    /** Replaces everything {@code source} produces with {@code resources} (name → body), for every client. */
    void replace(String source, Map<String, ? extends Message> resources) {
        Set<String> old = namesBySource.getOrDefault(source, Set.of());
        for (String name : old) {
            if (!resources.containsKey(name)) {
                remove(name);
            }
        }
        for (var e : resources.entrySet()) {
            put(e.getKey(), e.getValue(), Set.of());
        }
        remember(source, resources.keySet());
    }

    /** Like {@link #replace} for resources meant only for some waypoints. */
    void replaceTargeted(String source, Map<String, L7Targets.Targeted> resources) {
        Set<String> old = namesBySource.getOrDefault(source, Set.of());
        for (String name : old) {
            if (!resources.containsKey(name)) {
                remove(name);
            }
        }
        for (var e : resources.entrySet()) {
            put(e.getKey(), e.getValue().body(), e.getValue().audience());
        }
        remember(source, resources.keySet());
    }

    private void remember(String source, Set<String> names) {
        if (names.isEmpty()) {
            namesBySource.remove(source);
        } else {
            namesBySource.put(source, new HashSet<>(names));
        }
    }

    private void put(String name, Message body, Set<String> audience) {
        byte[] bytes = body.toByteArray();
        if (!audience.isEmpty()) {
            byte[] who = String.join(",", new java.util.TreeSet<>(audience)).getBytes(StandardCharsets.UTF_8);
            byte[] both = java.util.Arrays.copyOf(bytes, bytes.length + 1 + who.length);
            both[bytes.length] = 0;
            System.arraycopy(who, 0, both, bytes.length + 1, who.length);
            bytes = both;
        }
        String version = Versions.of(bytes);
        XdsResource current = published.get(name);
        if (current != null && current.version().equals(version)) {
            return;
        }
        XdsResource r = new XdsResource(name, version, body, aliasesOf.apply(body), audience);
        published.put(name, r);
        listener.changed(name, current == null ? null : current.body(), body);
        pendingRemovals.remove(name);
        pendingUpserts.put(name, r);
    }

    private void remove(String name) {
        XdsResource old = published.remove(name);
        if (old != null) {
            listener.changed(name, old.body(), null);
            pendingUpserts.remove(name);
            pendingRemovals.add(name);
        }
    }

    Map<String, XdsResource> snapshot() {
        return Map.copyOf(published);
    }

    XdsResource get(String name) {
        return published.get(name);
    }

    int size() {
        return published.size();
    }

    /** Takes the accumulated changes (and clears them). */
    Pending drain() {
        Pending p = new Pending(Map.copyOf(pendingUpserts), Set.copyOf(pendingRemovals));
        pendingUpserts.clear();
        pendingRemovals.clear();
        return p;
    }

    record Pending(Map<String, XdsResource> upserts, Set<String> removals) {}
}
