package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;
import java.util.TreeMap;

/**
 * Base of every spec/status class: fields this model does not know are kept aside instead of failing the
 * parse, so a newer CRD version (or a typo) costs one warning and never drops the whole object.
 */
public abstract class Lenient {
    @JsonIgnore
    private final Map<String, Object> unknownFields = new TreeMap<>();

    @JsonAnySetter
    void unknownField(String name, Object value) {
        unknownFields.put(name, value);
    }

    /** Names of JSON fields seen on this object that the model does not map (for a warning). */
    @JsonIgnore
    public Map<String, Object> unknownFields() {
        return unknownFields;
    }
}
