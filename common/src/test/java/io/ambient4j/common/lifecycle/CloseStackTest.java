package io.ambient4j.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseStackTest {
    private static final System.Logger LOG = System.getLogger(CloseStackTest.class.getName());

    @Test
    void closesLastOpenedFirstAndGoesOnPastAFailure() {
        List<String> closed = new ArrayList<>();
        CloseStack stack = new CloseStack(LOG);
        stack.push(() -> closed.add("ca"));
        stack.push(() -> {
            closed.add("certs");
            throw new IllegalStateException("boom");
        });
        AutoCloseable xds = stack.push(() -> closed.add("xds"));

        assertThat(xds).isNotNull();
        assertThat(stack.closeAll()).isEqualTo(1);
        assertThat(closed).containsExactly("xds", "certs", "ca");
        // each part is closed once: a second shutdown path finds nothing left
        assertThat(stack.closeAll()).isZero();
        assertThat(closed).hasSize(3);
    }
}
