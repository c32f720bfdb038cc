package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.net.SocketFactory;
import java.io.IOException;
import java.time.Duration;

/**
 * The seam between in-pod mode (which learns of pods over ZDS and owns their network namespaces) and the
 * proxy data path (which carries their traffic). In-pod mode hands over a {@link SocketFactory} whose
 * sockets live in the pod's netns with SO_MARK 0x539; the factory opens that pod's 15001, 15006 and
 * 15008 listeners (and its 15053 DNS proxy when DNS capture is on) with it and serves them until the handle is
 * closed.
 *
 * <p>Starting may fail while the pod's certificate or xDS state is not available yet: the caller keeps
 * the pod "pending" and retries, as upstream does.
 */
public interface WorkloadProxyFactory {

    /** What ZDS tells us about a pod ({@code WorkloadInfo} plus its uid). */
    record PodInfo(String uid, String name, String namespace, SpiffeId identity) {}

    /** Starts the pod's listeners. Throws when the pod cannot be served yet. */
    Handle start(PodInfo pod, SocketFactory sockets) throws IOException;

    /** One running set of listeners for one pod. */
    interface Handle extends AutoCloseable {
        /** Stops accepting at once; open connections continue (used on SIGTERM, before the drain deadline). */
        void stopAccepting();

        /** Closes listeners and every open connection after at most {@code deadline}. */
        void drain(Duration deadline);

        /** Tears down at once, without drain (ZDS Del). */
        @Override
        void close();
    }
}
