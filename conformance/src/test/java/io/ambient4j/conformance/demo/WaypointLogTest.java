package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaypointLogTest {
    @Test
    void C126_onlyRequestsWrittenAfterTheMarkAreSeen(@TempDir Path run) throws Exception {
        WaypointLog log = new WaypointLog(run, "demo", "waypoint-abc-x");
        assertThat(log.file()).isEqualTo(run.resolve("waypoint-demo-waypoint-abc-x.log"));
        assertThat(log.mark()).isZero();
        assertThat(log.requestsSince(0)).isEmpty();
        Files.writeString(
                log.file(),
                "Nov 27 INFO io.ambient4j.waypoint.Main start\nINFO: request complete method=GET path=\"/\" status=200\n");
        long mark = log.mark();
        assertThat(log.requestsSince(0)).extracting(e -> e.field("path")).containsExactly("/");
        assertThat(log.requestsSince(mark)).isEmpty();
        Files.writeString(
                log.file(),
                "INFO: connection complete src.addr=1.2.3.4:5\nINFO: request complete method=GET path=\"/admin\""
                        + " status=403\n",
                StandardOpenOption.APPEND);
        assertThat(log.requestsSince(mark))
                .extracting(e -> e.field("path") + " " + e.field("status"))
                .containsExactly("/admin 403");
    }
}
