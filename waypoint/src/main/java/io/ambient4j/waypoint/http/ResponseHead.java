package io.ambient4j.waypoint.http;

/** A parsed HTTP/1.x status line and header section. */
public record ResponseHead(String version, int status, String reason, HeaderList headers) {}
