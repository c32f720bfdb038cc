package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.cni.agent.AnnotationMachine.Event;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AnnotationMachineTest {
    private static final String ENABLED =
            "{\"metadata\":{\"annotations\":{\"ambient.istio.io/redirection\":\"enabled\"}}}";
    private static final String PENDING =
            "{\"metadata\":{\"annotations\":{\"ambient.istio.io/redirection\":\"pending\"}}}";
    private static final String REMOVE = "{\"metadata\":{\"annotations\":{\"ambient.istio.io/redirection\":null}}}";

    static Stream<Arguments> transitions() {
        RedirectionState none = RedirectionState.NONE;
        RedirectionState pending = RedirectionState.PENDING;
        RedirectionState enabled = RedirectionState.ENABLED;
        return Stream.of(
                Arguments.of("add succeeded", none, Event.ADD_SUCCEEDED, enabled, Optional.of(ENABLED)),
                Arguments.of("partial add", none, Event.ADD_PARTIAL, pending, Optional.of(PENDING)),
                Arguments.of("retry completes", pending, Event.ADD_SUCCEEDED, enabled, Optional.of(ENABLED)),
                Arguments.of("non-retryable add", none, Event.ADD_FAILED, none, Optional.empty()),
                Arguments.of("re-add of enabled pod", enabled, Event.ADD_SUCCEEDED, enabled, Optional.empty()),
                Arguments.of("remove", enabled, Event.REMOVE_SUCCEEDED, none, Optional.of(REMOVE)),
                Arguments.of("remove of pending", pending, Event.REMOVE_SUCCEEDED, none, Optional.of(REMOVE)),
                Arguments.of("remove failed keeps", enabled, Event.REMOVE_FAILED, enabled, Optional.empty()),
                Arguments.of("deleted pod not patched", enabled, Event.POD_DELETED, enabled, Optional.empty()));
    }

    @ParameterizedTest(name = "C017 {0}")
    @MethodSource("transitions")
    void C017_redirectionAnnotationLifecycle(
            String name, RedirectionState from, Event event, RedirectionState to, Optional<String> patch) {
        assertThat(AnnotationMachine.next(from, event)).isEqualTo(new AnnotationMachine.Transition(to, patch));
    }
}
