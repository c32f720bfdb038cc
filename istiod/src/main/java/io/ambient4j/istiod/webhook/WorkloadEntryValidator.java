package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.kube.crd.WorkloadEntrySpec;
import java.util.List;

/**
 * WorkloadEntry rules (networking.istio.io), also applied to a ServiceEntry's inline endpoints: an address
 * that is an IP, a {@code unix://} socket or a DNS name (or none, for a workload on another network), and
 * port numbers in range. A bad address would otherwise make istiod drop the workload without a trace.
 */
final class WorkloadEntryValidator {
    private WorkloadEntryValidator() {}

    static List<Violation> validate(WorkloadEntrySpec spec) {
        Problems p = new Problems();
        if (spec != null) {
            entry(p, "spec", spec, true);
        }
        return p.list();
    }

    /** Checks one entry at {@code at}; {@code allowDns} is false where only IPs make sense. */
    static void entry(Problems p, String at, WorkloadEntrySpec e, boolean allowDns) {
        boolean noAddress = e.address == null || e.address.isEmpty();
        if (noAddress) {
            if (e.network == null || e.network.isEmpty()) {
                p.add(at + ".address", "must be set unless network is set");
            }
        } else if (e.address.startsWith("unix://")) {
            if (e.address.length() == "unix://".length() || e.address.charAt("unix://".length()) != '/') {
                p.add(at + ".address", "unix domain socket '" + e.address + "' must be an absolute path");
            } else if (e.ports != null && !e.ports.isEmpty()) {
                p.add(at + ".ports", "must be empty for a unix domain socket address");
            }
        } else if (!Syntax.ip(e.address) && !(allowDns && Syntax.hostname(e.address, false))) {
            p.add(
                    at + ".address",
                    "'" + e.address + "' is not an IP address" + (allowDns ? ", DNS name" : "")
                            + " or unix:// socket path");
        }
        if (e.ports != null) {
            for (var port : e.ports.entrySet()) {
                if (port.getKey() == null || port.getKey().isEmpty()) {
                    p.add(at + ".ports", "port names must not be empty");
                }
                if (!Syntax.validPort(port.getValue(), 1)) {
                    p.add(
                            at + ".ports[" + port.getKey() + "]",
                            "port " + port.getValue() + " is not a number in 1-65535");
                }
            }
        }
        if (e.weight != null && e.weight < 0) {
            p.add(at + ".weight", "must not be negative, got " + e.weight);
        }
        Syntax.labels(p, at + ".labels", e.labels);
    }
}
