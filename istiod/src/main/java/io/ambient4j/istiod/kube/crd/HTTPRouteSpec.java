package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** HTTPRoute spec (Gateway API v1 with GEP-1731 retry): the fields a waypoint honours. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HTTPRouteSpec extends Lenient {
    public List<ParentReference> parentRefs;
    public List<String> hostnames;
    public List<Rule> rules;

    /** Defaults: group gateway.networking.k8s.io, kind Gateway, the route's namespace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ParentReference extends Lenient {
        public String group;
        public String kind;
        public String namespace;
        public String name;
        public String sectionName;
        public Integer port;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Rule extends Lenient {
        public String name;
        public List<Match> matches;
        public List<Filter> filters;
        public List<BackendRef> backendRefs;
        public Timeouts timeouts;
        public Retry retry;
        public Object sessionPersistence;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Match extends Lenient {
        public PathMatch path;
        public List<ValueMatch> headers;
        public List<ValueMatch> queryParams;
        public String method;
    }

    /** {@code type}: PathPrefix (default), Exact, RegularExpression. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PathMatch extends Lenient {
        public String type;
        public String value;
    }

    /** {@code type}: Exact (default), RegularExpression. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ValueMatch extends Lenient {
        public String type;
        public String name;
        public String value;
    }

    /** One filter; {@code type} names which of the other fields is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Filter extends Lenient {
        public String type;
        public HeaderFilter requestHeaderModifier;
        public HeaderFilter responseHeaderModifier;
        public Redirect requestRedirect;
        public Rewrite urlRewrite;
        public Object requestMirror;
        public Object extensionRef;
        public Object cors;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HeaderFilter extends Lenient {
        public List<Header> set;
        public List<Header> add;
        public List<String> remove;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Header extends Lenient {
        public String name;
        public String value;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Redirect extends Lenient {
        public String scheme;
        public String hostname;
        public PathModifier path;
        public Integer port;
        public Integer statusCode;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Rewrite extends Lenient {
        public String hostname;
        public PathModifier path;
    }

    /** {@code type}: ReplaceFullPath or ReplacePrefixMatch. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PathModifier extends Lenient {
        public String type;
        public String replaceFullPath;
        public String replacePrefixMatch;
    }

    /** Defaults: group "" (core), kind Service, the route's namespace, weight 1. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class BackendRef extends Lenient {
        public String group;
        public String kind;
        public String namespace;
        public String name;
        public Integer port;
        public Integer weight;
        public List<Filter> filters;
    }

    /** Gateway API durations ({@code 10s}, {@code 500ms}, {@code 1m30s}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Timeouts extends Lenient {
        public String request;
        public String backendRequest;
    }

    /** GEP-1731. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Retry extends Lenient {
        public Integer attempts;
        public List<Integer> codes;
        public String backoff;
    }
}
