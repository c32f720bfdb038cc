package io.ambient4j.istiod.webhook;

/**
 * One reason an object is refused, tied to the field that is wrong so {@code kubectl apply} tells the user
 * exactly what to change (e.g. {@code spec.rules[0].to[0].operation.ports[1]: port 70000 is not in 0-65535}).
 *
 * @param field the JSON path of the offending field, from the object root
 * @param message what is wrong with it
 */
public record Violation(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
