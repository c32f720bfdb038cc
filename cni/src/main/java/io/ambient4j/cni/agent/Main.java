package io.ambient4j.cni.agent;

import io.ambient4j.common.logging.ShutdownLogging;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;

/** Entry point of the istio-cni node agent container. */
public final class Main {
    static {
        // before any logger exists: what the component logs while shutting down must not be lost
        ShutdownLogging.install();
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) throws Exception {
        AgentConfig config = AgentConfig.fromEnv(System.getenv());
        KubernetesClient client = new KubernetesClientBuilder().build();
        NodeAgent agent = NodeAgent.start(config, client);
        LOG.log(Level.INFO, "istio-cni agent ready on node {0}", config.nodeName());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                agent.shutdown(client, config.systemNamespace());
                client.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "shutdown: {0}", e.getMessage());
            } finally {
                ShutdownLogging.shutdownComplete();
                stop.countDown();
            }
        }));
        stop.await();
    }
}
