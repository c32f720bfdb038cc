package io.ambient4j.waypoint.http;

/** How a message body is delimited (RFC 9112 §6). */
public sealed interface Framing {
    record None() implements Framing {}

    record Length(long length) implements Framing {}

    record Chunked() implements Framing {}

    /** A response body that ends when the server closes (no length, not chunked). */
    record UntilClose() implements Framing {}
}
