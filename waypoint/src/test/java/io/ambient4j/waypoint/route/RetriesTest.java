package io.ambient4j.waypoint.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** C113 "retry conditions": which failed tries are tried again. */
class RetriesTest {
    static final Optional<HttpRoute.Retry> TWO = Optional.of(new HttpRoute.Retry(2, List.of(503, 504), 0));

    @ParameterizedTest(name = "retry={0} attempt {1}, outcome {2} -> {3}")
    @CsvSource({
        "none, 1, connect, false",
        "none, 1, 503, false",
        "two, 1, connect, true",
        "two, 1, 503, true",
        "two, 1, 500, false",
        "two, 2, 504, true",
        "two, 3, 503, false",
        "two, 3, connect, false",
    })
    void C113_retryConditions(String retry, int attempt, String outcome, boolean expected) {
        Optional<HttpRoute.Retry> r = retry.equals("two") ? TWO : Optional.empty();
        Retries.Outcome o = outcome.equals("connect")
                ? new Retries.Outcome.ConnectFailed()
                : new Retries.Outcome.Status(Integer.parseInt(outcome));
        assertThat(Retries.again(r, attempt, o)).isEqualTo(expected);
    }
}
