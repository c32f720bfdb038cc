package io.ambient4j.istiod.webhook;

import java.util.List;
import java.util.Map;

/**
 * networking.istio.io Gateway, checked on the raw object (ambient does not model it): it must have servers,
 * each with a port and hosts. Upstream's install test proves validation is live by a dry-run create of a
 * Gateway with an empty spec, which must be refused.
 */
final class IstioGatewayValidator {
    private IstioGatewayValidator() {}

    static List<Violation> validate(Object object) {
        Problems p = new Problems();
        Object spec = object instanceof Map<?, ?> m ? m.get("spec") : null;
        Object servers = spec instanceof Map<?, ?> s ? s.get("servers") : null;
        if (!(servers instanceof List<?> list) || list.isEmpty()) {
            p.add("spec.servers", "a gateway must have at least one server");
            return p.list();
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "spec.servers[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> server)) {
                p.add(at, "must be an object");
                continue;
            }
            if (!(server.get("port") instanceof Map<?, ?> port)) {
                p.add(at + ".port", "must be set");
            } else {
                Object n = port.get("number");
                if (!(n instanceof Number num) || num.intValue() < 1 || num.intValue() > 65535) {
                    p.add(at + ".port.number", "port " + n + " is not a number in 1-65535");
                }
                if (!(port.get("protocol") instanceof String proto) || proto.isEmpty()) {
                    p.add(at + ".port.protocol", "must be set");
                }
            }
            if (!(server.get("hosts") instanceof List<?> hosts) || hosts.isEmpty()) {
                p.add(at + ".hosts", "at least one host is required");
            } else {
                for (int j = 0; j < hosts.size(); j++) {
                    if (!(hosts.get(j) instanceof String h) || h.isEmpty()) {
                        p.add(at + ".hosts[" + j + "]", "must not be an empty string");
                    }
                }
            }
        }
        return p.list();
    }
}
