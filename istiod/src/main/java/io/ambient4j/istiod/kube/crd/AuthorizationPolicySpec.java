package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * istio.security.v1beta1.AuthorizationPolicy spec. {@code action} stays a string so an unknown value is
 * reported by the converter as that policy's error instead of failing deserialization.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthorizationPolicySpec extends Lenient {
    public WorkloadSelector selector;
    public PolicyTargetReference targetRef;
    public List<PolicyTargetReference> targetRefs;
    public List<Rule> rules;
    /** ALLOW (default), DENY, AUDIT, CUSTOM. */
    public String action;

    public ExtensionProvider provider;

    /** The {@code provider} of a CUSTOM policy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ExtensionProvider extends Lenient {
        public String name;
    }

    /** One rule: from, to and when are AND-ed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Rule extends Lenient {
        public List<From> from;
        public List<To> to;
        public List<Condition> when;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class From extends Lenient {
        public Source source;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class To extends Lenient {
        public Operation operation;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Source extends Lenient {
        public List<String> principals;
        public List<String> notPrincipals;
        public List<String> requestPrincipals;
        public List<String> notRequestPrincipals;
        public List<String> namespaces;
        public List<String> notNamespaces;
        public List<String> serviceAccounts;
        public List<String> notServiceAccounts;
        public List<String> ipBlocks;
        public List<String> notIpBlocks;
        public List<String> remoteIpBlocks;
        public List<String> notRemoteIpBlocks;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Operation extends Lenient {
        public List<String> hosts;
        public List<String> notHosts;
        public List<String> ports;
        public List<String> notPorts;
        public List<String> methods;
        public List<String> notMethods;
        public List<String> paths;
        public List<String> notPaths;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Condition extends Lenient {
        public String key;
        public List<String> values;
        public List<String> notValues;
    }
}
