package io.ambient4j.istiod.ambient;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The selector and label indexes give the same answers as scanning everything would. */
class SelectorIndexTest {
    @Test
    void selectorIndexMatchesLikeASubsetCheck() {
        SelectorIndex<String> idx = new SelectorIndex<>();
        idx.put("ns", "a", Map.of("app", "x"), "A");
        idx.put("ns", "b", Map.of("app", "x", "tier", "web"), "B");
        idx.put("ns", "c", Map.of("zzz", "1", "app", "x"), "C");
        idx.put("ns", "empty", Map.of(), "never");
        idx.put("other", "d", Map.of("app", "x"), "D");
        assertThat(idx.matching("ns", Map.of("app", "x"))).containsOnlyKeys("a");
        assertThat(idx.matching("ns", Map.of("app", "x", "tier", "web", "zzz", "1")))
                .containsOnlyKeys("a", "b", "c");
        assertThat(idx.matching("ns", Map.of())).isEmpty();
        idx.put("ns", "b", Map.of("tier", "db"), "B2");
        assertThat(idx.matching("ns", Map.of("app", "x", "tier", "web"))).containsOnlyKeys("a");
        assertThat(idx.matching("ns", Map.of("tier", "db"))).containsEntry("b", "B2");
        idx.remove("ns", "a");
        idx.remove("ns", "b");
        idx.remove("ns", "c");
        assertThat(idx.namespaces()).containsExactly("other");
    }

    @Test
    void labelIndexGivesTheSmallestCandidateSet() {
        LabelIndex idx = new LabelIndex();
        idx.add("ns", "p1", Map.of("app", "x", "v", "1"));
        idx.add("ns", "p2", Map.of("app", "x", "v", "2"));
        idx.add("ns", "p3", Map.of("app", "y"));
        assertThat(idx.candidates("ns", Map.of("app", "x", "v", "2"))).containsExactly("p2");
        assertThat(idx.candidates("ns", Map.of("app", "x"))).containsExactlyInAnyOrder("p1", "p2");
        assertThat(idx.candidates("ns", Map.of("app", "z"))).isEmpty();
        idx.remove("ns", "p2", Map.of("app", "x", "v", "2"));
        assertThat(idx.candidates("ns", Map.of("app", "x"))).containsExactly("p1");
        assertThat(idx.candidates("none", Map.of("app", "x"))).isEmpty();
    }
}
