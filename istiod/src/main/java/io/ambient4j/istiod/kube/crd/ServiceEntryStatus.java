package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** ServiceEntry status: {@code addresses} holds VIPs auto-allocated per host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceEntryStatus extends IstioStatus {
    public List<ServiceEntryAddress> addresses;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ServiceEntryAddress extends Lenient {
        public String value;
        public String host;
    }
}
