package io.ambient4j.istiod.webhook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects violations while a validator walks one object; validation never stops at the first problem. */
final class Problems {
    private final List<Violation> found = new ArrayList<>();

    void add(String field, String message) {
        found.add(new Violation(field, message));
    }

    /** Each element of {@code values} must be a non-empty string. */
    void nonEmptyStrings(String field, Collection<String> values) {
        if (values == null) {
            return;
        }
        int i = 0;
        for (String v : values) {
            if (v == null || v.isEmpty()) {
                add(field + "[" + i + "]", "must not be an empty string");
            }
            i++;
        }
    }

    List<Violation> list() {
        return List.copyOf(found);
    }
}
