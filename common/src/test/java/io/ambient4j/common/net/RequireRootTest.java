package io.ambient4j.common.net;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Root-only tests must fail, not skip, without root: the guard itself is checked here. */
class RequireRootTest {
    @Test
    void nonRootFailsLoudly() {
        assertThatThrownBy(() -> RequireRoot.check("Name:\tjava\nUid:\t0\t1000\t1000\t1000\n"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("needs root")
                .hasMessageContaining("effective uid is 1000");
    }

    @Test
    void rootPasses() {
        assertThatCode(() -> RequireRoot.check("Uid:\t1000\t0\t0\t0\n")).doesNotThrowAnyException();
    }
}
