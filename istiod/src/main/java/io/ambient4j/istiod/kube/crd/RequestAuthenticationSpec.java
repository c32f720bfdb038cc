package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** istio.security.v1.RequestAuthentication: where JWTs are read from and how they are verified. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RequestAuthenticationSpec extends Lenient {
    public WorkloadSelector selector;
    public PolicyTargetReference targetRef;
    public List<PolicyTargetReference> targetRefs;
    public List<JwtRule> jwtRules;

    /** One accepted issuer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class JwtRule extends Lenient {
        public String issuer;
        public List<String> audiences;
        public String jwksUri;
        public String jwks;
        public List<JwtHeader> fromHeaders;
        public List<String> fromParams;
        public List<String> fromCookies;
        public String outputPayloadToHeader;
        public Boolean forwardOriginalToken;
        public List<ClaimToHeader> outputClaimToHeaders;
        public List<String> spaceDelimitedClaims;
        public String timeout;
    }

    /** A header carrying the token, with an optional prefix such as "Bearer ". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class JwtHeader extends Lenient {
        public String name;
        public String prefix;
    }

    /** Copies a claim into a request header. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ClaimToHeader extends Lenient {
        public String header;
        public String claim;
    }
}
