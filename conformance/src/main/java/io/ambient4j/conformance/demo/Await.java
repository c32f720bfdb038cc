package io.ambient4j.conformance.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waiting for the mesh to converge: a check is polled until it yields a value or its deadline passes, and then
 * the step fails saying what was not seen. A {@link DemoException} from the check stops at once.
 */
final class Await {
    private static final Duration POLL = Duration.ofMillis(200);

    private Await() {}

    /** Polls {@code probe} until it yields a value or {@code within} passes; then the step fails naming {@code what}. */
    static <T> T await(int step, String what, Duration within, Supplier<Optional<T>> check) {
        Instant deadline = Instant.now().plus(within);
        RuntimeException last = null;
        while (true) {
            try {
                Optional<T> v = check.get();
                if (v.isPresent()) {
                    return v.get();
                }
            } catch (DemoException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DemoException(
                        DemoException.Reason.OBSERVATION,
                        step,
                        "did not see " + what + " within " + within.toSeconds() + " s"
                                + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
            }
            pause(POLL);
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException(DemoException.Reason.OBSERVATION, 0, "interrupted");
        }
    }
}
