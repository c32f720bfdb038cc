package io.ambient4j.common.hbone;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The regular (non-pseudo) header fields of a CONNECT request or its response, in wire order.
 * HBONE carries telemetry in them ({@code baggage}, {@code forwarded}, {@code traceparent}), so the
 * tunnel keeps all of them and leaves their meaning to the caller. Names are lower case (RFC 9113 §8.2.1).
 */
public record HboneHeaders(List<Field> fields) {

    /** One header field. */
    public record Field(String name, String value) {
        public Field {
            name = name.toLowerCase(Locale.ROOT);
        }
    }

    public HboneHeaders {
        fields = List.copyOf(fields);
    }

    public static HboneHeaders empty() {
        return new HboneHeaders(List.of());
    }

    /** Headers from alternating names and values, e.g. {@code of("baggage", "k=v")}. */
    public static HboneHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        List<Field> list = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new HboneHeaders(list);
    }

    /** The first value of {@code name}, if present. */
    public Optional<String> first(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return fields.stream().filter(f -> f.name.equals(n)).map(Field::value).findFirst();
    }

    /** Every value of {@code name}, in order. */
    public List<String> all(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return fields.stream().filter(f -> f.name.equals(n)).map(Field::value).toList();
    }

    /** Size as counted against SETTINGS_MAX_HEADER_LIST_SIZE: name + value + 32 per field. */
    int listSize() {
        int size = 0;
        for (Field f : fields) {
            size += f.name.length() + f.value.length() + 32;
        }
        return size;
    }
}
