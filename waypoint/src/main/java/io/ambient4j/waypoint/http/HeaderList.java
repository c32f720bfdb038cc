package io.ambient4j.waypoint.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 header fields in arrival order, names kept as sent and compared case-insensitively. Mutable, but owned
 * by the one virtual thread serving the request; decisions get the immutable {@link #asMap()} view.
 */
public final class HeaderList {
    /** One field. */
    public record Field(String name, String value) {}

    private final List<Field> fields = new ArrayList<>();

    public HeaderList() {}

    public HeaderList(List<Field> fields) {
        this.fields.addAll(fields);
    }

    public HeaderList copy() {
        return new HeaderList(fields);
    }

    public List<Field> fields() {
        return List.copyOf(fields);
    }

    public Optional<String> first(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    public List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                out.add(f.value());
            }
        }
        return out;
    }

    public boolean has(String name) {
        return first(name).isPresent();
    }

    /** Appends a field. */
    public HeaderList add(String name, String value) {
        fields.add(new Field(name, value));
        return this;
    }

    /** Replaces every field of {@code name} with one. */
    public HeaderList set(String name, String value) {
        remove(name);
        fields.add(new Field(name, value));
        return this;
    }

    public HeaderList remove(String name) {
        fields.removeIf(f -> f.name().equalsIgnoreCase(name));
        return this;
    }

    /** Lower-case name → values, for routing and policy. */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Field f : fields) {
            m.computeIfAbsent(f.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(f.value());
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(m);
    }

    /** Whether a comma-separated header (Connection, Transfer-Encoding) lists {@code token}. */
    public boolean hasToken(String name, String token) {
        for (String v : all(name)) {
            for (String t : v.split(",")) {
                if (t.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
