package io.ambient4j.istiod.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istiod.ambient.PolicyStatus;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ZtunnelAccepted condition shape (C058) and when it counts as unchanged. */
class KubeStatusWriterTest {
    @Test
    void C058_conditionShapeAndTransitionTime() {
        PolicyStatus accepted = new PolicyStatus(true, "Accepted", "attached to ztunnel", 2);
        Map<String, Object> first = KubeStatusWriter.condition(accepted, null);
        assertThat(first)
                .containsEntry("type", "ZtunnelAccepted")
                .containsEntry("status", "True")
                .containsEntry("reason", "Accepted")
                .containsEntry("message", "attached to ztunnel")
                .containsEntry("observedGeneration", 2L)
                .containsKey("lastTransitionTime");

        Map<String, Object> stored = new HashMap<>(first);
        stored.put("observedGeneration", 2); // as JSON gives it back
        stored.put("lastTransitionTime", "2026-01-01T00:00:00Z");
        Map<String, Object> again = KubeStatusWriter.condition(accepted, stored);
        assertThat(again.get("lastTransitionTime")).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(KubeStatusWriter.sameCondition(again, stored)).isTrue();

        Map<String, Object> flipped = KubeStatusWriter.condition(
                new PolicyStatus(false, "UnsupportedValue", "ztunnel does not support the AUDIT action", 3), stored);
        assertThat(flipped.get("lastTransitionTime")).isNotEqualTo("2026-01-01T00:00:00Z");
        assertThat(KubeStatusWriter.sameCondition(flipped, stored)).isFalse();
    }
}
