package io.ambient4j.ztunnel.inpod;

import java.util.List;

/**
 * An immutable view of in-pod mode, published by the single writer after every change so readiness, metrics
 * and the admin page read it without locks.
 *
 * @param connected a ZDS connection is up
 * @param snapshotReceived the current connection's snapshot was processed
 * @param proxies every proxy, running or pending, sorted by uid
 * @param started proxies started since start-up
 * @param stopped proxies stopped since start-up
 */
public record InpodStatus(
        boolean connected, boolean snapshotReceived, List<ProxyStatus> proxies, long started, long stopped) {
    public static final InpodStatus INITIAL = new InpodStatus(false, false, List.of(), 0, 0);

    public InpodStatus {
        proxies = List.copyOf(proxies);
    }

    /** Ready (upstream): connected, first snapshot processed, no proxy pending. */
    public boolean ready() {
        return connected && snapshotReceived && pending() == 0;
    }

    public long active() {
        return proxies.stream().filter(p -> p.state() == ProxyStatus.State.Up).count();
    }

    public long pending() {
        return proxies.stream()
                .filter(p -> p.state() == ProxyStatus.State.Pending)
                .count();
    }
}
