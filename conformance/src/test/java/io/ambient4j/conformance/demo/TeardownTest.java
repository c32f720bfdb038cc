package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TeardownTest {
    @Test
    void onlyThisMeshsNamespacesCount() {
        String list = "a4jdemo-demo-client-x (id: 7)\na4jdemo-node-1 (id: 3)\na4jc-node-1 (id: 2)\na4jdemox-node-1\n";
        assertThat(Teardown.leftoverNetns(list, "a4jdemo"))
                .containsExactly("netns a4jdemo-demo-client-x", "netns a4jdemo-node-1");
        assertThat(Teardown.leftoverNetns("", "a4jdemo")).isEmpty();
    }
}
