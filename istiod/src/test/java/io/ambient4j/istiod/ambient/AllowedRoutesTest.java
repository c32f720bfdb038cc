package io.ambient4j.istiod.ambient;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Listener {@code allowedRoutes.namespaces} decides who may attach to a waypoint (C045, TestMakeAllowedRoutes). */
class AllowedRoutesTest {
    private static Waypoint waypoint(String from, LabelSelector selector) {
        return new Waypoint("wp-ns", "wp", null, "service", List.of(), from, selector);
    }

    static Stream<Arguments> cases() {
        LabelSelector team =
                new LabelSelectorBuilder().withMatchLabels(Map.of("team", "a")).build();
        LabelSelector expr = new LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey("env")
                .withOperator("In")
                .withValues("prod", "stage")
                .endMatchExpression()
                .addNewMatchExpression()
                .withKey("legacy")
                .withOperator("DoesNotExist")
                .endMatchExpression()
                .build();
        return Stream.of(
                Arguments.of("Same", null, "wp-ns", Map.of(), true),
                Arguments.of("Same", null, "other", Map.of(), false),
                Arguments.of("All", null, "other", Map.of(), true),
                Arguments.of("Selector", team, "other", Map.of("team", "a"), true),
                Arguments.of("Selector", team, "other", Map.of("team", "b"), false),
                Arguments.of("Selector", expr, "other", Map.of("env", "prod"), true),
                Arguments.of("Selector", expr, "other", Map.of("env", "prod", "legacy", "y"), false),
                Arguments.of("Selector", expr, "other", Map.of("env", "dev"), false),
                Arguments.of("Selector", null, "other", Map.of(), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void C045_allowedRoutes(String from, LabelSelector selector, String ns, Map<String, String> nsLabels, boolean ok) {
        assertThat(waypoint(from, selector).allowsAttachmentFrom(ns, nsLabels)).isEqualTo(ok);
    }
}
