package io.ambient4j.ztunnel.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request-target parsing of the admin listeners, as tables. */
class HttpListenersTest {
    @Test
    void pathsNormalizeAsTheHelidonRoutingDid() {
        Map<String, String> cases = Map.of(
                "/healthz/ready", "/healthz/ready",
                "//healthz/ready", "/healthz/ready",
                "/healthz//ready", "/healthz/ready",
                "/healthz/ready/", "/healthz/ready/",
                "/metrics?x=1", "/metrics",
                "/a%20b", "/a b",
                "/", "/");
        cases.forEach((target, path) -> assertThat(HttpListeners.normalize(HttpListeners.path(URI.create(target))))
                .as(target)
                .isEqualTo(path));
        assertThat(HttpListeners.normalize("")).isEqualTo("/");
        assertThat(HttpListeners.normalize(null)).isEqualTo("/");
    }

    @Test
    void queriesDecodeAndKeepEveryValue() {
        assertThat(HttpListeners.parseQuery(null)).isEmpty();
        assertThat(HttpListeners.parseQuery("")).isEmpty();
        assertThat(HttpListeners.parseQuery("level=debug")).isEqualTo(Map.of("level", List.of("debug")));
        assertThat(HttpListeners.parseQuery("level=")).isEqualTo(Map.of("level", List.of("")));
        assertThat(HttpListeners.parseQuery("level")).isEqualTo(Map.of("level", List.of("")));
        assertThat(HttpListeners.parseQuery("a=1&&b=x%2Cy&a=2"))
                .isEqualTo(Map.of("a", List.of("1", "2"), "b", List.of("x,y")));
        assertThatThrownBy(() -> HttpListeners.parseQuery("level=a%2x")).isInstanceOf(IllegalArgumentException.class);
    }
}
