package io.ambient4j.cni.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The add event body: upstream's shape accepted, everything else refused with a stable reason. */
class CniAddEventTest {
    private static CniAddEvent parse(String json) throws PluginEventException {
        return CniAddEvent.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void upstreamShape() throws Exception {
        CniAddEvent e = parse(
                "{\"Netns\":\"/var/run/netns/cni-1\",\"PodName\":\"web\",\"PodNamespace\":\"app\","
                        + "\"IPs\":[{\"Interface\":0,\"Address\":{\"IP\":\"10.1.0.5\",\"Mask\":\"////AA==\"},\"Gateway\":\"10.1.0.1\"},"
                        + "{\"Interface\":null,\"Address\":{\"IP\":\"fd00::5\",\"Mask\":\"//////////8AAAAAAAAAAA==\"},\"Gateway\":null}]}");
        assertThat(e).isEqualTo(new CniAddEvent("/var/run/netns/cni-1", "web", "app", List.of("10.1.0.5", "fd00::5")));
        assertThat(parse("{\"Netns\":\"/n\",\"PodName\":\"w\",\"PodNamespace\":\"a\",\"IPs\":null}")
                        .ips())
                .isEmpty();
    }

    @Test
    void refusals() {
        record Case(String body, PluginEventException.Reason reason) {}
        for (Case c : List.of(
                new Case("{", PluginEventException.Reason.MALFORMED_JSON),
                new Case("[]", PluginEventException.Reason.MALFORMED_JSON),
                new Case("{\"PodName\":\"w\",\"PodNamespace\":\"a\"}", PluginEventException.Reason.MISSING_FIELD),
                new Case(
                        "{\"Netns\":\"\",\"PodName\":\"w\",\"PodNamespace\":\"a\"}",
                        PluginEventException.Reason.MISSING_FIELD),
                new Case(
                        "{\"Netns\":\"/n\",\"PodName\":\"w\",\"PodNamespace\":\"a\",\"IPs\":{}}",
                        PluginEventException.Reason.MALFORMED_JSON),
                new Case(
                        "{\"Netns\":\"/n\",\"PodName\":\"w\",\"PodNamespace\":\"a\",\"IPs\":[{\"Address\":{\"IP\":\"x\"}}]}",
                        PluginEventException.Reason.BAD_ADDRESS),
                new Case(
                        "{\"Netns\":\"/n\",\"PodName\":\"w\",\"PodNamespace\":\"a\",\"IPs\":[{}]}",
                        PluginEventException.Reason.BAD_ADDRESS))) {
            assertThatThrownBy(() -> parse(c.body()))
                    .as(c.body())
                    .isInstanceOfSatisfying(
                            PluginEventException.class,
                            e -> assertThat(e.reason()).isEqualTo(c.reason()));
        }
    }
}
