package io.ambient4j.waypoint.testing;

import io.ambient4j.api.waypoint.BackendRef;
import io.ambient4j.api.waypoint.HeaderModifier;
import io.ambient4j.api.waypoint.HttpRoute;
import io.ambient4j.api.waypoint.L7Condition;
import io.ambient4j.api.waypoint.L7Operation;
import io.ambient4j.api.waypoint.L7Policy;
import io.ambient4j.api.waypoint.L7Rule;
import io.ambient4j.api.waypoint.L7Source;
import io.ambient4j.api.waypoint.RouteMatch;
import io.ambient4j.api.waypoint.RouteParent;
import io.ambient4j.api.waypoint.RouteRule;
import io.ambient4j.api.waypoint.ServiceRef;

/** Short builders for the ambient4j.waypoint protobufs, which tests feed through the real converter. */
public final class L7Protos {
    private L7Protos() {}

    public static ServiceRef svc(String ns, String name) {
        return ServiceRef.newBuilder()
                .setNamespace(ns)
                .setHostname(name + "." + ns + ".svc.cluster.local")
                .build();
    }

    public static L7Policy.Builder policy(String ns, String name, L7Policy.Action action) {
        return L7Policy.newBuilder().setNamespace(ns).setName(name).setAction(action);
    }

    public static L7Rule to(String method, String path) {
        L7Operation.Builder op = L7Operation.newBuilder();
        if (method != null) {
            op.addMethods(method);
        }
        if (path != null) {
            op.addPaths(path);
        }
        return L7Rule.newBuilder().addTo(op).build();
    }

    public static L7Rule fromTo(String principal, String method, String path) {
        return to(method, path).toBuilder()
                .addFrom(L7Source.newBuilder().addPrincipals(principal))
                .build();
    }

    public static L7Rule toWhen(String method, String path, String key, String value, String notValue) {
        return to(method, path).toBuilder()
                .addWhen(L7Condition.newBuilder().setKey(key).addValues(value).addNotValues(notValue))
                .build();
    }

    public static HttpRoute.Builder route(String ns, String name, ServiceRef parent, int port) {
        return HttpRoute.newBuilder()
                .setNamespace(ns)
                .setName(name)
                .addParents(RouteParent.newBuilder().setService(parent).setPort(port));
    }

    public static RouteRule.Builder rule() {
        return RouteRule.newBuilder();
    }

    public static RouteMatch prefix(String path) {
        return RouteMatch.newBuilder()
                .setPathType(RouteMatch.PathType.PATH_PREFIX)
                .setPath(path)
                .build();
    }

    public static RouteMatch exact(String path) {
        return RouteMatch.newBuilder()
                .setPathType(RouteMatch.PathType.EXACT)
                .setPath(path)
                .build();
    }

    public static BackendRef backend(ServiceRef svc, int port, int weight) {
        return BackendRef.newBuilder()
                .setService(svc)
                .setPort(port)
                .setWeight(weight)
                .build();
    }

    public static HeaderModifier addHeader(String name, String value) {
        return HeaderModifier.newBuilder().putAdd(name, value).build();
    }
}
