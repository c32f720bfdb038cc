package io.ambient4j.ztunnel.inpod;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory.Handle;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory.PodInfo;
import java.io.IOException;

/**
 * Starts one pod's proxy inside its network namespace. The production form gives the data path a
 * {@link SocketFactory} that creates every socket in the pod's netns (on the setns platform thread) with
 * SO_MARK {@code PACKET_MARK} and SO_REUSEPORT on listeners (ambient-spec §5.4).
 */
@FunctionalInterface
public interface ProxyStarter {
    /** Starts listeners for {@code pod}; throws while it cannot be served yet (it then stays pending). */
    Handle start(PodInfo pod, Netns netns) throws IOException;

    /** Sockets via {@code executor} inside the pod netns, marked {@code mark}, handed to {@code factory}. */
    static ProxyStarter inNetns(NetnsExecutor executor, int mark, WorkloadProxyFactory factory) {
        return (pod, netns) -> factory.start(pod, SocketFactory.inNetns(executor, netns, mark));
    }
}
