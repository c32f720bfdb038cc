package io.ambient4j.common.hbone;

/**
 * Inbound policy for one CONNECT stream: validate, authorize, connect upstream, then return a
 * {@link HboneVerdict}. Runs on a virtual thread per stream, so it may block (e.g. on the upstream
 * connect); an exception it throws is answered with 503.
 */
@FunctionalInterface
public interface HboneHandler {
    HboneVerdict handle(HboneRequest request) throws Exception;
}
