package io.ambient4j.waypoint.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.waypoint.http.HeaderList;
import io.ambient4j.waypoint.http.RequestHead;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.waypoint.route.RouteDecision;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The request header section a backend receives (C110 header add, hop-by-hop, forward headers, upgrade). */
class HeaderRulesTest {
    static RouteDecision.Forward forward(List<HttpRoute.HeaderModifier> mods, String host) {
        return new RouteDecision.Forward(
                "app/r",
                new NamespacedHostname("app", "svc.app.svc.cluster.local"),
                80,
                "/",
                host,
                mods,
                List.of(),
                0,
                0,
                Optional.empty());
    }

    static RequestHead req(String method, String... namesAndValues) {
        HeaderList h = new HeaderList();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new RequestHead(method, "/", "HTTP/1.1", h);
    }

    @Test
    void C110_modifiersApplyAndHopByHopFieldsAreDropped() {
        RequestHead r = req(
                "GET",
                "Host",
                "svc",
                "Connection",
                "keep-alive, X-Secret-Hop",
                "X-Secret-Hop",
                "1",
                "Keep-Alive",
                "timeout=5",
                "TE",
                "trailers",
                "X-Drop",
                "me",
                "X-Keep",
                "a",
                "Expect",
                "100-continue");
        HttpRoute.HeaderModifier m = new HttpRoute.HeaderModifier(
                Map.of("x-keep", "b"), Map.of("greeting", "hello world!"), List.of("X-Drop"));
        Map<String, List<String>> h = HeaderRules.upstreamRequest(
                        r, forward(List.of(m), "rewritten"), 0, Optional.empty(), "rid")
                .asMap();
        assertThat(h)
                .containsEntry("greeting", List.of("hello world!"))
                .containsEntry("x-keep", List.of("b"))
                .containsEntry("host", List.of("rewritten"))
                .containsEntry("x-forwarded-proto", List.of("http"))
                .containsEntry("x-request-id", List.of("rid"))
                .containsEntry("connection", List.of("close"))
                .doesNotContainKeys("x-drop", "x-secret-hop", "keep-alive", "te", "expect", "content-length");
    }

    @Test
    void existingRequestIdAndProtoAreKept_bodyLengthIsSet_upgradePassesOn() {
        RequestHead r = req(
                "POST",
                "Host",
                "svc",
                "X-Request-Id",
                "from-client",
                "X-Forwarded-Proto",
                "https",
                "Transfer-Encoding",
                "chunked",
                "Connection",
                "Upgrade",
                "Upgrade",
                "websocket");
        Map<String, List<String>> h = HeaderRules.upstreamRequest(
                        r, forward(List.of(), "svc"), 11, Optional.of("websocket"), "rid")
                .asMap();
        assertThat(h)
                .containsEntry("x-request-id", List.of("from-client"))
                .containsEntry("x-forwarded-proto", List.of("https"))
                .containsEntry("content-length", List.of("11"))
                .containsEntry("connection", List.of("upgrade"))
                .containsEntry("upgrade", List.of("websocket"))
                .doesNotContainKey("transfer-encoding");
        assertThat(HeaderRules.upstreamRequest(
                                req("POST", "Host", "svc"), forward(List.of(), "svc"), 0, Optional.empty(), "r")
                        .asMap())
                .containsEntry("content-length", List.of("0"));
    }
}
