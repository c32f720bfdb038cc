package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** istio.security.v1beta1.PeerAuthentication spec; {@code portLevelMtls} keys are port numbers as strings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PeerAuthenticationSpec extends Lenient {
    public WorkloadSelector selector;
    public MutualTls mtls;
    public Map<String, MutualTls> portLevelMtls;

    /** {@code mode}: UNSET, DISABLE, PERMISSIVE, STRICT. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class MutualTls extends Lenient {
        public String mode;

        public MutualTls() {}

        public MutualTls(String mode) {
            this.mode = mode;
        }
    }
}
