package io.ambient4j.istiod.testing;

import io.ambient4j.istiod.xds.ResourceDelta;
import io.ambient4j.istiod.xds.ResourceSource;
import io.ambient4j.istiod.xds.XdsResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/** An in-test resource store: a test puts and removes resources and the server sees real deltas. */
public final class TestSource implements ResourceSource {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Map<String, XdsResource>> byType = new HashMap<>();
    private final List<Consumer<ResourceDelta>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, XdsResource> snapshot(String typeUrl) {
        lock.lock();
        try {
            return Map.copyOf(byType.getOrDefault(typeUrl, Map.of()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void subscribe(Consumer<ResourceDelta> listener) {
        listeners.add(listener);
    }

    public void put(String type, XdsResource... resources) {
        lock.lock();
        try {
            Map<String, XdsResource> m = byType.computeIfAbsent(type, t -> new HashMap<>());
            for (XdsResource r : resources) {
                m.put(r.name(), r);
            }
            emit(new ResourceDelta(type, List.of(resources), Set.of()));
        } finally {
            lock.unlock();
        }
    }

    public void remove(String type, String... names) {
        lock.lock();
        try {
            Map<String, XdsResource> m = byType.computeIfAbsent(type, t -> new HashMap<>());
            List<String> gone = new ArrayList<>();
            for (String n : names) {
                if (m.remove(n) != null) {
                    gone.add(n);
                }
            }
            emit(new ResourceDelta(type, List.of(), Set.copyOf(gone)));
        } finally {
            lock.unlock();
        }
    }

    private void emit(ResourceDelta d) {
        if (!d.isEmpty()) {
            listeners.forEach(l -> l.accept(d));
        }
    }
}
