package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.echo.EchoImage;
import io.ambient4j.conformance.echo.EchoProtocol;
import io.ambient4j.conformance.echo.EchoServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a scenario's objects are applied to a real cluster (pure): everything as given, except that pods and
 * Deployment pod templates whose containers use the scenario's echo app ({@code image: echo}, which the local
 * kubelet serves itself) get the echo image, the arguments that make it serve the container's declared ports
 * ({@link EchoImage#serveArgs}), the pod's name and namespace from the downward API, and a TCP readiness probe on
 * the first port reachable from outside the pod (so Ready means listening); and scenario node names
 * ({@code nodeName: node-1}, a {@code kubernetes.io/hostname} selector) become the cluster's ({@link NodeNames}).
 */
public final class EchoRewrite {
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private EchoRewrite() {}

    /** The object to apply for {@code h} (a rewritten copy, or {@code h} itself when nothing changes). Pure. */
    public static HasMetadata rewrite(HasMetadata h, String echoImage, Map<String, String> nodes) {
        return switch (h) {
            case Pod p -> {
                Pod copy = JSON.clone(p);
                rewrite(copy.getSpec(), echoImage, nodes);
                yield copy;
            }
            case Deployment d
            when d.getSpec() != null
                    && d.getSpec().getTemplate() != null
                    && d.getSpec().getTemplate().getSpec() != null -> {
                Deployment copy = JSON.clone(d);
                rewrite(copy.getSpec().getTemplate().getSpec(), echoImage, nodes);
                yield copy;
            }
            default -> h;
        };
    }

    private static void rewrite(PodSpec spec, String echoImage, Map<String, String> nodes) {
        if (spec.getNodeName() != null) {
            spec.setNodeName(node(spec.getNodeName(), nodes));
        }
        if (spec.getNodeSelector() != null && spec.getNodeSelector().containsKey(HOSTNAME_LABEL)) {
            Map<String, String> sel = new LinkedHashMap<>(spec.getNodeSelector());
            sel.put(HOSTNAME_LABEL, node(sel.get(HOSTNAME_LABEL), nodes));
            spec.setNodeSelector(sel);
        }
        for (Container c : spec.getContainers()) {
            if (EchoImage.NAME.equals(c.getImage())) {
                echo(c, echoImage);
            }
        }
    }

    private static String node(String name, Map<String, String> nodes) {
        String mapped = nodes.get(name);
        if (mapped != null) {
            return mapped;
        }
        if (NodeNames.scenarioName(name)) {
            throw new ExternalClusterException(
                    ExternalClusterException.Reason.NO_SUCH_NODE,
                    "the scenario places a pod on " + name + " but the cluster has " + nodes.size() + " usable node(s) "
                            + nodes + " (a kind cluster for the suite needs two workers)");
        }
        return name;
    }

    private static void echo(Container c, String echoImage) {
        List<EchoServer.Port> ports = new ArrayList<>();
        for (ContainerPort p : c.getPorts()) {
            ports.add(new EchoServer.Port(p.getName() == null ? "" : p.getName(), p.getContainerPort()));
        }
        c.setImage(echoImage);
        c.setImagePullPolicy("IfNotPresent");
        c.setCommand(List.of());
        c.setArgs(EchoImage.serveArgs(ports));
        List<EnvVar> env = new ArrayList<>(c.getEnv());
        addFieldRef(env, "POD_NAME", "metadata.name");
        addFieldRef(env, "POD_NAMESPACE", "metadata.namespace");
        c.setEnv(env);
        if (c.getReadinessProbe() == null) {
            ports.stream()
                    .filter(p -> !EchoProtocol.loopbackOnly(p.name()))
                    .findFirst()
                    .ifPresent(p -> c.setReadinessProbe(new ProbeBuilder()
                            .withNewTcpSocket()
                            .withPort(new IntOrString(p.port()))
                            .endTcpSocket()
                            .withPeriodSeconds(1)
                            .build()));
        }
    }

    private static void addFieldRef(List<EnvVar> env, String name, String path) {
        if (env.stream().noneMatch(e -> name.equals(e.getName()))) {
            env.add(new EnvVarBuilder()
                    .withName(name)
                    .withNewValueFrom()
                    .withNewFieldRef()
                    .withFieldPath(path)
                    .endFieldRef()
                    .endValueFrom()
                    .build());
        }
    }
}
