package io.ambient4j.common.hbone;

/**
 * A parsed, validated HBONE CONNECT as the inbound side sees it: the {@code :authority} split into
 * host and port (an IPv6 host without brackets), and every regular header the client sent
 * ({@code baggage}, {@code forwarded}, {@code traceparent}, {@code x-forwarded-network}, ...).
 */
public record HboneRequest(int streamId, String authority, String host, int port, HboneHeaders headers) {}
