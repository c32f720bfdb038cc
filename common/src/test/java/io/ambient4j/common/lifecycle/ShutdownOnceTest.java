package io.ambient4j.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShutdownOnceTest {

    @Test
    void runsTheStepsOnceAndASecondCallerReturnsOnlyAfterTheFirstFinished() throws Exception {
        ShutdownOnce once = new ShutdownOnce();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inSteps = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = Thread.ofVirtual()
                .start(() -> once.run(() -> {
                    runs.incrementAndGet();
                    inSteps.countDown();
                    release.await();
                }));
        assertThat(inSteps.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch secondReturned = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            once.run(runs::incrementAndGet);
            secondReturned.countDown();
        });
        assertThat(secondReturned.await(200, TimeUnit.MILLISECONDS)).isFalse(); // still draining
        release.countDown();
        assertThat(secondReturned.await(10, TimeUnit.SECONDS)).isTrue();
        first.join();
        once.awaitStopped();
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aFailingStepStillReleasesTheWaitersAndAnInterruptIsKept() throws Exception {
        ShutdownOnce failing = new ShutdownOnce();
        assertThatThrownBy(() -> failing.run(() -> {
                    throw new IllegalStateException("close failed");
                }))
                .isInstanceOf(IllegalStateException.class);
        failing.awaitStopped(); // returns: the latch was released

        ShutdownOnce interrupted = new ShutdownOnce();
        interrupted.run(() -> {
            throw new InterruptedException();
        });
        assertThat(Thread.interrupted()).isTrue();
        interrupted.awaitStopped();
    }
}
