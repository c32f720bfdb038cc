package io.ambient4j.cni.agent;

import io.ambient4j.cni.netns.HostProbe;
import io.ambient4j.cni.netns.InpodRules;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.PodRuleOptions;
import io.ambient4j.cni.zds.WorkloadIdentity;
import io.ambient4j.cni.zds.ZdsAck;
import io.ambient4j.cni.zds.ZdsException;
import io.ambient4j.cni.zds.ZdsPod;
import io.ambient4j.cni.zds.ZdsServer;
import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.Netns;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Adds a pod to the mesh and removes it, in the order that keeps the safety property (ambient-spec §6.5):
 * in-pod rules, then ZDS Add with ztunnel's ack, then the probe ipset, then the {@code enabled}
 * annotation last, so istiod never advertises HBONE for a pod that is not captured. Removal runs the
 * other way: ipset entry, rules, ZDS Del, annotation.
 */
public final class MeshDataplane {
    private static final System.Logger LOG = System.getLogger(MeshDataplane.class.getName());

    /** How an add ended, and the error text when it did not fully succeed. */
    public record AddResult(AnnotationMachine.Event event, Optional<String> error) {}

    private final InpodRules rules;
    private final ZdsServer zds;
    private final HostProbe probe;
    private final PodAnnotator annotator;
    private final boolean globalDnsCapture;
    private final boolean ipv6;

    public MeshDataplane(
            InpodRules rules,
            ZdsServer zds,
            HostProbe probe,
            PodAnnotator annotator,
            boolean globalDnsCapture,
            boolean ipv6) {
        this.rules = rules;
        this.zds = zds;
        this.probe = probe;
        this.annotator = annotator;
        this.globalDnsCapture = globalDnsCapture;
        this.ipv6 = ipv6;
    }

    /**
     * Enrols {@code pod}; takes ownership of {@code netns}. Rule failure is not retryable and writes no
     * annotation; a ZDS failure leaves the rules in place and marks the pod {@code pending} for retry.
     */
    public AddResult addPodToMesh(PodView pod, Netns netns, String serviceAccount) throws IOException {
        PodRuleOptions options = PodRuleOptionsFromPod.of(pod, globalDnsCapture, ipv6);
        try {
            rules.apply(netns, options);
        } catch (IOException | RuntimeException e) {
            netns.close();
            LOG.log(Level.ERROR, "in-pod rules for {0}/{1} failed: {2}", pod.namespace(), pod.name(), e.getMessage());
            annotate(pod, AnnotationMachine.Event.ADD_FAILED);
            return new AddResult(AnnotationMachine.Event.ADD_FAILED, Optional.of(e.getMessage()));
        }
        ZdsPod zdsPod = new ZdsPod(
                pod.uid(), new WorkloadIdentity(pod.name(), pod.namespace(), serviceAccount), Optional.of(netns));
        Optional<String> zdsError;
        try {
            ZdsAck ack = zds.addPod(zdsPod);
            zdsError = ack.ok() ? Optional.empty() : Optional.of("ztunnel: " + ack.error());
        } catch (ZdsException e) {
            zdsError = Optional.of(e.getMessage());
        }
        if (zdsError.isPresent()) {
            LOG.log(Level.WARNING, "pod {0}/{1} partially added: {2}", pod.namespace(), pod.name(), zdsError.get());
            annotate(pod, AnnotationMachine.Event.ADD_PARTIAL);
            return new AddResult(AnnotationMachine.Event.ADD_PARTIAL, zdsError);
        }
        for (String ip : pod.ips()) {
            InetAddress address = InetAddress.ofLiteral(ip);
            probe.addPod(family(address), address, pod.uid());
        }
        annotate(pod, AnnotationMachine.Event.ADD_SUCCEEDED);
        return new AddResult(AnnotationMachine.Event.ADD_SUCCEEDED, Optional.empty());
    }

    /**
     * Takes over a pod that was enrolled before this agent started (its annotation says {@code enabled}):
     * re-applies its rules when {@code reconcileRules} (a no-op when they are intact), records it for the
     * ZDS snapshot (Add with its netns, or Keep when the netns could not be found, so ztunnel keeps its
     * proxy) and re-asserts its probe ipset entries. Takes ownership of {@code netns}.
     */
    public void adoptEnrolledPod(PodView pod, Optional<Netns> netns, String serviceAccount, boolean reconcileRules)
            throws IOException {
        if (netns.isPresent() && reconcileRules) {
            rules.apply(netns.get(), PodRuleOptionsFromPod.of(pod, globalDnsCapture, ipv6));
        }
        zds.adopt(new ZdsPod(pod.uid(), new WorkloadIdentity(pod.name(), pod.namespace(), serviceAccount), netns));
        for (String ip : pod.ips()) {
            InetAddress address = InetAddress.ofLiteral(ip);
            probe.addPod(family(address), address, pod.uid());
        }
    }

    /**
     * Un-enrols {@code pod}. {@code netns} is empty when the pod's namespace is already gone (pod deleted),
     * in which case there are no rules left to remove. Failures throw so the caller retries; the
     * annotation is only removed once everything else succeeded.
     */
    public void removePodFromMesh(PodView pod, Optional<Netns> netns, boolean podDeleted) throws IOException {
        for (String ip : pod.ips()) {
            InetAddress address = InetAddress.ofLiteral(ip);
            probe.removePod(family(address), address);
        }
        if (netns.isPresent()) {
            try {
                rules.remove(netns.get(), ipv6);
            } finally {
                closeQuietly(netns.get());
            }
        }
        zds.deletePod(pod.uid());
        annotate(pod, podDeleted ? AnnotationMachine.Event.POD_DELETED : AnnotationMachine.Event.REMOVE_SUCCEEDED);
    }

    private void annotate(PodView pod, AnnotationMachine.Event event) throws IOException {
        AnnotationMachine.Transition t = AnnotationMachine.next(RedirectionState.of(pod), event);
        if (t.mergePatch().isPresent()) {
            annotator.mergePatch(pod.namespace(), pod.name(), t.mergePatch().get());
        }
    }

    private static IpFamily family(InetAddress address) {
        return address instanceof java.net.Inet4Address ? IpFamily.V4 : IpFamily.V6;
    }

    private static void closeQuietly(Netns netns) {
        try {
            netns.close();
        } catch (NetException e) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", netns, e.getMessage());
        }
    }
}
