package io.ambient4j.waypoint.policy;

import java.util.List;

/**
 * The outcome of L7 authorization for one request, with the policy that decided it for the access log. Dry-run and
 * AUDIT matches never change {@link #allowed()}; they are only reported in {@link #audited()}.
 */
public record Decision(boolean allowed, String reason, List<String> audited) {
    public Decision {
        audited = List.copyOf(audited);
    }
}
