package io.ambient4j.ztunnel.memory;

import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Gives the heap back to the node when ztunnel goes idle. The serial collector (ztunnel-jvm.options) grows the heap
 * under a burst of connections and only shrinks it at a full collection, which a quiet proxy never reaches by itself:
 * in the benchmark a ztunnel kept ~110 MB after its runs against ~75 MB fresh. Once a second this looks at the
 * connection activity and, when {@link IdleTrimPolicy} says so, runs one full collection, after which the JVM
 * uncommits what {@code -XX:MaxHeapFreeRatio} allows and {@code -XX:TrimNativeHeapInterval} hands freed malloc memory
 * back. One virtual thread; {@link #close()} stops it.
 */
public final class IdleTrimmer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IdleTrimmer.class.getName());
    /** How often the activity is looked at: cheap (two atomic reads), and fine-grained enough for a 3 s quiet time. */
    static final Duration TICK = Duration.ofSeconds(1);

    private final IdleTrimPolicy policy;
    private final Supplier<ConnectionTelemetry.Activity> activity;
    private final Runnable trim;
    private final Duration tick;
    private final Thread thread;
    private volatile boolean closed;

    IdleTrimmer(IdleTrimPolicy policy, Supplier<ConnectionTelemetry.Activity> activity, Runnable trim, Duration tick) {
        this.policy = policy;
        this.activity = activity;
        this.trim = trim;
        this.tick = tick;
        this.thread = Thread.ofVirtual().name("idle-trim").unstarted(this::run);
    }

    /** Starts trimming the heap of this JVM whenever the proxies behind {@code activity} go idle. */
    public static IdleTrimmer start(IdleTrimPolicy policy, Supplier<ConnectionTelemetry.Activity> activity) {
        IdleTrimmer t = new IdleTrimmer(policy, activity, IdleTrimmer::collect, TICK);
        t.thread.start();
        return t;
    }

    /** For tests: the same loop, with the trim action and the tick chosen by the caller. */
    void startLoop() {
        thread.start();
    }

    private void run() {
        IdleTrimPolicy.State state =
                IdleTrimPolicy.State.start(System.nanoTime(), activity.get().events());
        while (!closed) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            ConnectionTelemetry.Activity a = activity.get();
            IdleTrimPolicy.Step step = policy.observe(state, System.nanoTime(), a.openConnections(), a.events());
            state = step.state();
            if (step.trim() && !closed) {
                trim.run();
            }
        }
    }

    /**
     * The trim itself: one full collection, logged with the committed heap before and after ({@code Runtime}, not the
     * management beans, which would load a hundred classes into an idle process to report on its memory).
     */
    static void collect() {
        Runtime runtime = Runtime.getRuntime();
        long before = runtime.totalMemory();
        long start = System.nanoTime();
        System.gc();
        long after = runtime.totalMemory();
        LOG.log(
                Level.DEBUG,
                "idle: heap trimmed from {0} to {1} KiB committed in {2} ms",
                before / 1024,
                after / 1024,
                (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
