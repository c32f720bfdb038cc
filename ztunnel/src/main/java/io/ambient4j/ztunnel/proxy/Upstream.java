package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.identity.InvalidIdentityException;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A chosen workload, the IP and port to use on it, and the service it was chosen through.
 *
 * @param selectedIp empty when the workload is reachable only through its network gateway
 */
record Upstream(Workload workload, Optional<InetAddress> selectedIp, int port, Optional<Service> service) {
    private static final System.Logger LOG = System.getLogger(Upstream.class.getName());

    Optional<InetSocketAddress> socketAddress() {
        return selectedIp.map(ip -> new InetSocketAddress(ip, port));
    }

    /** The identities the server may present: the workload's own plus the service's subject alt names. */
    List<SpiffeId> workloadAndServiceSans() {
        List<SpiffeId> out = new ArrayList<>();
        out.add(workload.identity());
        out.addAll(serviceSans());
        return out;
    }

    List<SpiffeId> serviceSans() {
        List<SpiffeId> out = new ArrayList<>();
        for (String san : service.map(Service::subjectAltNames).orElse(List.of())) {
            try {
                SpiffeId id = SpiffeId.parse(san);
                if (!out.contains(id)) {
                    out.add(id);
                }
            } catch (InvalidIdentityException e) {
                LOG.log(Level.WARNING, "ignoring invalid subject alt name {0}: {1}", san, e.getMessage());
            }
        }
        return out;
    }
}
