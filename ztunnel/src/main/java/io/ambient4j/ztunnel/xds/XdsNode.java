package io.ambient4j.ztunnel.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.ambient4j.api.discovery.Node;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.proxy.Authority;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * The xDS {@code Node} ztunnel presents (ambient-spec §3.1): istiod recognises the node type from the id's
 * {@code ztunnel~} prefix and reads cluster, namespace and proxy metadata from the Struct.
 */
public final class XdsNode {
    private static final System.Logger LOG = System.getLogger(XdsNode.class.getName());
    /** Used in the id when {@code INSTANCE_IP} is unset, as upstream does. */
    static final String DEFAULT_IP = "1.1.1.1";

    private XdsNode() {}

    /** {@code ztunnel~<ip>~<pod>.<ns>~<ns>.svc.cluster.local} and the metadata Struct. */
    public static Node build(Config cfg) {
        String ip = cfg.instanceIp().map(Authority::host).orElse(DEFAULT_IP);
        Struct.Builder md = Struct.newBuilder()
                .putFields("NAME", str(cfg.podName()))
                .putFields("NAMESPACE", str(cfg.podNamespace()))
                .putFields("INSTANCE_IPS", str(ip))
                .putFields("NODE_NAME", str(cfg.nodeName()));
        for (Map.Entry<String, String> e : cfg.proxyMetadata().entrySet()) {
            md.putFields(e.getKey(), str(e.getValue()));
        }
        for (Map.Entry<String, String> e : cfg.proxyMetadataJson().entrySet()) {
            Value.Builder v = Value.newBuilder();
            try {
                JsonFormat.parser().merge(e.getValue(), v);
                md.putFields(e.getKey(), v.build());
            } catch (InvalidProtocolBufferException ex) {
                // Upstream logs and skips an unparsable ISTIO_METAJSON_* value; the rest of the node still works.
                LOG.log(Level.ERROR, "ignoring ISTIO_METAJSON_{0}: not JSON: {1}", e.getKey(), ex.getMessage());
            }
        }
        String ns = cfg.podNamespace();
        return Node.newBuilder()
                .setId("ztunnel~" + ip + "~" + cfg.podName() + "." + ns + "~" + ns + ".svc.cluster.local")
                .setMetadata(md)
                .build();
    }

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
