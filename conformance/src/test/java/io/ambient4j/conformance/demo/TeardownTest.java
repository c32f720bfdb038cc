package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeardownTest {
    @Test
    void onlyThisMeshsNamespacesCount() {
        String list = "a4jdemo-demo-client-x (id: 7)\na4jdemo-node-1 (id: 3)\na4jc-node-1 (id: 2)\na4jdemox-node-1\n";
        assertThat(Teardown.leftoverNetns(list, "a4jdemo"))
                .containsExactly("netns a4jdemo-demo-client-x", "netns a4jdemo-node-1");
        assertThat(Teardown.leftoverNetns("", "a4jdemo")).isEmpty();
    }

    @Test
    void onlyThisMeshsEtcNetnsDirectoriesCount(@TempDir Path etc) throws Exception {
        Files.createDirectories(etc.resolve("a4jdemo-demo-waypoint-x"));
        Files.createDirectories(etc.resolve("a4jdemox-node-1"));
        Files.createDirectories(etc.resolve("other"));
        assertThat(Teardown.leftoverEtcNetns(etc, "a4jdemo"))
                .containsExactly("directory " + etc.resolve("a4jdemo-demo-waypoint-x"));
        assertThat(Teardown.leftoverEtcNetns(etc.resolve("absent"), "a4jdemo")).isEmpty();
    }
}
