package io.ambient4j.ztunnel.xds;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One call on Helidon's gRPC client, made to behave as grpc-java's callers expect: a failure to connect or to
 * handshake (which Helidon throws from {@code start}) becomes {@code onClose(UNAVAILABLE)} with the cause in the
 * description; the listener sees exactly one {@code onClose}; a deadline in the call options cancels the call with
 * {@code DEADLINE_EXCEEDED} (Helidon ignores deadlines); and the owning {@link IstiodChannel} can cancel it on close.
 */
final class GuardedCall<Q, R> extends ClientCall<Q, R> {
    private final ClientCall<Q, R> delegate;
    private final boolean unary;
    private final CallOptions options;
    private final Consumer<GuardedCall<?, ?>> onDone;
    /** How the call ended; null while it runs. Set once. */
    private final AtomicReference<Status> ended = new AtomicReference<>();

    private final AtomicBoolean told = new AtomicBoolean();
    private volatile Listener<R> listener;
    private volatile boolean started;
    private volatile Thread deadlineWatch;
    private volatile Q unaryRequest;

    /** {@code delegate} null: the channel is closed and the call fails at start. */
    GuardedCall(
            ClientCall<Q, R> delegate,
            MethodDescriptor.MethodType type,
            CallOptions options,
            Consumer<GuardedCall<?, ?>> onDone) {
        this.delegate = delegate;
        this.unary = type == MethodDescriptor.MethodType.UNARY;
        this.options = options;
        this.onDone = onDone;
    }

    @Override
    public void start(Listener<R> responseListener, Metadata headers) {
        this.listener = responseListener;
        Status endedEarly = ended.get();
        if (endedEarly != null) {
            tell(endedEarly); // the channel closed between newCall and start
            return;
        }
        if (delegate == null) {
            end(Status.UNAVAILABLE.withDescription("the channel to istiod is closed"), false);
            return;
        }
        try {
            delegate.start(new OnceListener(), headers);
            started = true;
        } catch (RuntimeException e) {
            end(Status.UNAVAILABLE.withDescription(describe(e)).withCause(e), false);
            return;
        }
        if (ended.get() != null) {
            // aborted (channel closed) while connecting: the stream just opened must not outlive the call
            cancelQuietly("aborted while starting", null);
            return;
        }
        Deadline deadline = options.getDeadline();
        if (deadline != null) {
            deadlineWatch = Thread.ofVirtual().name("istiod-call-deadline").start(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
                    abort(Status.DEADLINE_EXCEEDED.withDescription("no answer from istiod before the deadline"));
                } catch (InterruptedException e) {
                    // the call ended first
                }
            });
        }
    }

    @Override
    public void request(int numMessages) {
        if (usable() && !unary) {
            try {
                delegate.request(numMessages);
            } catch (RuntimeException e) {
                abort(Status.UNAVAILABLE.withDescription(describe(e)).withCause(e));
            }
        }
    }

    @Override
    public void sendMessage(Q message) {
        if (unary) {
            unaryRequest = message; // sent with halfClose: Helidon sends and waits for the answer in one call
            return;
        }
        if (usable()) {
            try {
                delegate.sendMessage(message);
            } catch (RuntimeException e) {
                abort(Status.UNAVAILABLE.withDescription(describe(e)).withCause(e));
            }
        }
    }

    @Override
    public void halfClose() {
        if (!usable()) {
            return;
        }
        if (unary) {
            // Helidon's unary sendMessage blocks until the answer (or its own 10 s poll timeout): off the caller's
            // thread, so that a deadline or a cancel returns to the caller at once.
            Q request = unaryRequest;
            Thread.ofVirtual().name("istiod-unary-call").start(() -> {
                try {
                    delegate.sendMessage(request);
                    delegate.halfClose();
                } catch (RuntimeException e) {
                    abort(Status.UNAVAILABLE.withDescription(describe(e)).withCause(e));
                }
            });
            return;
        }
        try {
            delegate.halfClose();
        } catch (RuntimeException e) {
            abort(Status.UNAVAILABLE.withDescription(describe(e)).withCause(e));
        }
    }

    @Override
    public void cancel(String message, Throwable cause) {
        abort(Status.CANCELLED.withDescription(message).withCause(cause));
    }

    @Override
    public boolean isReady() {
        return usable() && delegate.isReady();
    }

    /** Ends the call with {@code status}: the peer's stream is reset, the listener told once. */
    void abort(Status status) {
        end(status, true);
    }

    private boolean usable() {
        return started && ended.get() == null;
    }

    /**
     * The one end of the call. Helidon's call is cancelled in every case that started it: besides resetting the
     * stream, that is what stops its reader thread, which otherwise keeps polling a stream whose connection died.
     */
    private void end(Status status, boolean cancelDelegate) {
        if (!ended.compareAndSet(null, status)) {
            return;
        }
        Thread watch = deadlineWatch;
        if (watch != null && watch != Thread.currentThread()) {
            watch.interrupt();
        }
        onDone.accept(this);
        if (started && cancelDelegate) {
            cancelQuietly(status.getDescription(), status.getCause());
        }
        if (listener != null) {
            tell(status);
        }
    }

    /** The listener's one onClose; blocking stubs wait on the call's executor, so it runs there (as in grpc-java). */
    private void tell(Status status) {
        Listener<R> l = listener;
        if (l == null || !told.compareAndSet(false, true)) {
            return;
        }
        Executor executor = options.getExecutor();
        if (executor == null) {
            l.onClose(status, new Metadata());
        } else {
            executor.execute(() -> l.onClose(status, new Metadata()));
        }
    }

    private void cancelQuietly(String message, Throwable cause) {
        try {
            delegate.cancel(message, cause);
        } catch (RuntimeException e) {
            // the connection is already gone; the listener hears of the end all the same
        }
    }

    /**
     * The outermost message and the reason below it, e.g. "Failed to execute SSL handshake: istiod's certificate
     * names [...], not 10.0.0.1": the certificate check's own message when there is one (the JDK wraps it in
     * alerts), else the innermost cause.
     */
    static String describe(Throwable e) {
        Throwable reason = null;
        Throwable root = e;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (reason == null && t instanceof java.security.cert.CertificateException) {
                reason = t;
            }
            root = t;
        }
        if (reason == null) {
            reason = root;
        }
        String top = message(e);
        return reason == e ? top : top + ": " + message(reason);
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Passes Helidon's callbacks through; its (possibly repeated) onClose only once. */
    private final class OnceListener extends Listener<R> {
        @Override
        public void onHeaders(Metadata headers) {
            if (ended.get() == null) {
                listener.onHeaders(headers);
            }
        }

        @Override
        public void onMessage(R message) {
            if (ended.get() == null) {
                listener.onMessage(message);
            }
        }

        @Override
        public void onReady() {
            if (ended.get() == null) {
                listener.onReady();
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            end(status, !status.isOk() && !unary);
        }
    }
}
