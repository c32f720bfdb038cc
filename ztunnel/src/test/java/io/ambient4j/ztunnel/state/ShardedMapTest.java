package io.ambient4j.ztunnel.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShardedMapTest {
    @Test
    void versionsAreIndependentAndSizesTrack() {
        ShardedMap.Builder<String, Integer> b = ShardedMap.<String, Integer>empty().toBuilder();
        for (int i = 0; i < 1000; i++) {
            b.put("k" + i, i);
        }
        ShardedMap<String, Integer> v1 = b.build();
        ShardedMap.Builder<String, Integer> b2 = v1.toBuilder();
        b2.put("k1", -1);
        b2.remove("k2");
        b2.remove("absent");
        b2.remove("k3", 999);
        b2.put("new", 5);
        ShardedMap<String, Integer> v2 = b2.build();

        assertThat(v1.size()).isEqualTo(1000);
        assertThat(v1.get("k1")).isEqualTo(1);
        assertThat(v1.get("k2")).isEqualTo(2);
        assertThat(v1.get("new")).isNull();
        assertThat(v2.size()).isEqualTo(1000);
        assertThat(v2.get("k1")).isEqualTo(-1);
        assertThat(v2.get("k2")).isNull();
        assertThat(v2.get("k3")).isEqualTo(3);
        assertThat(v2.getOrDefault("k2", 7)).isEqualTo(7);
        assertThat(v2.values()).hasSize(1000).contains(-1, 5).doesNotContain(1, 2);
        assertThat(ShardedMap.<String, Integer>empty().size()).isZero();
    }
}
