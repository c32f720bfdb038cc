package io.ambient4j.cni.agent;

import io.ambient4j.cni.netns.HostProbe;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.ProbeHealing;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the node's probe set and SNAT chain matching the enrolled pods while the agent runs, not only at
 * start-up: reads the node state back, asks {@link ProbeHealing} what is missing or stale and does it.
 * Called only on the pod controller's worker, so no pod is added or removed while it compares.
 */
public final class HostProbeHealer {
    private static final System.Logger LOG = System.getLogger(HostProbeHealer.class.getName());

    private final HostProbe probe;
    private final boolean ipv6;

    public HostProbeHealer(HostProbe probe, boolean ipv6) {
        this.probe = probe;
        this.ipv6 = ipv6;
    }

    /** Reconciles against {@code enrolled} (pod UID to its IPs); returns the actions that were needed. */
    public List<ProbeHealing.Action> reconcile(Map<String, List<String>> enrolled) throws IOException {
        List<ProbeHealing.Action> done = new ArrayList<>();
        for (IpFamily family : ipv6 ? List.of(IpFamily.V4, IpFamily.V6) : List.of(IpFamily.V4)) {
            Map<InetAddress, String> desired = new HashMap<>();
            enrolled.forEach((uid, ips) -> {
                for (String ip : ips) {
                    InetAddress a = InetAddress.ofLiteral(ip);
                    if ((a instanceof Inet4Address) == (family == IpFamily.V4)) {
                        desired.put(a, uid);
                    }
                }
            });
            List<ProbeHealing.Action> actions = ProbeHealing.plan(desired, probe.observe(family));
            for (ProbeHealing.Action action : actions) {
                switch (action) {
                    case ProbeHealing.Action.EnsureSetAndRules e -> probe.ensure(family);
                    case ProbeHealing.Action.AddMember a -> probe.addPod(family, a.ip(), a.podUid());
                    case ProbeHealing.Action.RemoveMember r -> probe.removePod(family, r.ip());
                }
            }
            if (!actions.isEmpty()) {
                LOG.log(Level.INFO, "host probe state {0} repaired: {1}", family, actions);
            }
            done.addAll(actions);
        }
        return List.copyOf(done);
    }
}
