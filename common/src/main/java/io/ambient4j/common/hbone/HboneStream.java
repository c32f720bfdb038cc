package io.ambient4j.common.hbone;

import io.ambient4j.common.net.NonBlockingSocket;
import io.ambient4j.common.relay.Relay;
import io.helidon.http.http2.Http2ErrorCode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * One HBONE tunnel: the DATA of one CONNECT stream as a blocking byte-stream pair.
 *
 * <p>{@link #output()}{@code .close()} half-closes (END_STREAM); {@link #input()} returns -1 once the
 * peer half-closed; {@link #reset()} aborts both directions (RST_STREAM CANCEL). Writes block while
 * the peer's stream or connection window is exhausted; reading hands window credit back, so a slow
 * reader slows the sender instead of growing a buffer. A reset by the peer or the loss of the
 * connection surfaces as an {@link HboneException} from read or write.
 */
public final class HboneStream implements Closeable {
    private final H2Connection conn;
    private final int id;

    // Send side: the window is guarded by conn.lock; the frame buffer and END_STREAM by sendLock.
    long sendWindow;
    private final ReentrantLock sendLock = new ReentrantLock();
    private byte[] frame;
    private volatile boolean localEnded;

    // Receive side, guarded by rlock.
    private final ReentrantLock rlock = new ReentrantLock();
    private final Condition changed = rlock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private long buffered;
    private long recvRemaining;
    private int unacked;
    private volatile boolean remoteEnded;
    private volatile int resetCode = -1;
    private volatile HboneException failure;
    private int status = -1;
    private HboneHeaders responseHeaders = HboneHeaders.empty();
    private final AtomicBoolean retired = new AtomicBoolean();

    // Direct delivery (pushTo), guarded by rlock: the reader writes a DATA payload straight into `sink` when nothing
    // is queued and no other write into it is under way; what the sink cannot take at once is queued for the pump.
    private Relay.Side sink;
    private LongConsumer delivered;
    private boolean directBusy;
    private boolean pumpBusy;
    private IOException sinkFailure;
    private boolean discarded; // the application is done with the stream: what a direct write leaves is dropped

    // The send loop's registration while it moves an application socket's bytes into this stream (see SendLoop).
    private volatile SendLoop.Pull pull;

    private final InputStream input = new In();
    private final OutputStream output = new Out();

    HboneStream(H2Connection conn, int id, long sendWindow, long recvWindow) {
        this.conn = conn;
        this.id = id;
        this.sendWindow = sendWindow;
        this.recvRemaining = recvWindow;
    }

    public int streamId() {
        return id;
    }

    /** Bytes from the peer; -1 after its END_STREAM. */
    public InputStream input() {
        return input;
    }

    /** Bytes to the peer; {@code close()} sends END_STREAM (half-close). */
    public OutputStream output() {
        return output;
    }

    /** Headers of the {@code 200} answer (client side), e.g. the destination's {@code baggage}. */
    public HboneHeaders responseHeaders() {
        rlock.lock();
        try {
            return responseHeaders;
        } finally {
            rlock.unlock();
        }
    }

    /**
     * The largest write that leaves as a single DATA frame aligned to whole JDK TLS records (65459 or
     * 16358 bytes, depending on the peer's MAX_FRAME_SIZE). Relays should size their buffers by it: a
     * 16 KiB write becomes a 16393-byte frame, which costs two TLS records instead of one.
     */
    public int preferredWriteSize() {
        return conn.dataPayloadSize();
    }

    /**
     * This stream as one end of a {@link Relay}: its EOF becomes END_STREAM, an abort RST_STREAM(CANCEL). Towards a
     * destination that can take bytes without blocking, the connection reader delivers DATA into it directly
     * ({@link Relay.Side.Pushing}).
     */
    public Relay.Side relaySide() {
        return new PushingSide();
    }

    /** Aborts the tunnel in both directions with RST_STREAM(CANCEL). */
    public void reset() {
        reset(Http2ErrorCode.CANCEL);
    }

    /** Half-closes our side if still open and resets the stream if the peer has not finished. */
    @Override
    public void close() {
        try {
            output.close();
        } catch (IOException e) {
            // already reset or connection gone: nothing left to close
        }
        if (!remoteEnded && resetCode < 0 && failure == null) {
            reset(Http2ErrorCode.CANCEL);
        }
        discardUnread();
    }

    void reset(Http2ErrorCode code) {
        if (markReset(code.code())) {
            conn.sendReset(id, code);
        }
    }

    // ---- called by the connection reader ----

    /** True while a relay pushes this stream's DATA into a destination: the reader may then reuse its buffer. */
    boolean pushesDirectly() {
        rlock.lock();
        try {
            return sink != null;
        } finally {
            rlock.unlock();
        }
    }

    /**
     * Takes a DATA payload: written straight into the push destination when it can take it without blocking and
     * nothing is queued before it, else queued (copied when {@code shared}, i.e. {@code data} is the reader's reused
     * buffer). False when it overran the stream window (a FLOW_CONTROL stream error).
     */
    boolean onData(byte[] data, int offset, int length, int flowLength, boolean endStream, boolean shared) {
        int dropped = 0;
        Relay.Side direct = null;
        rlock.lock();
        try {
            if (flowLength > recvRemaining) {
                return false;
            }
            recvRemaining -= flowLength;
            unacked += flowLength - length;
            boolean wake = endStream;
            if (resetCode >= 0 || failure != null) {
                dropped = length; // raced with a local reset: nobody will read it
            } else if (length > 0) {
                if (sink != null && chunks.isEmpty() && !pumpBusy && sinkFailure == null) {
                    direct = sink;
                    directBusy = true;
                } else {
                    enqueue(data, offset, length, shared);
                    wake = true;
                }
            }
            if (endStream) {
                remoteEnded = true;
            }
            // Only wake a waiter that has something to do: waking the pump for every directly delivered frame would
            // cost the very hand-off direct delivery saves.
            if (wake) {
                changed.signalAll();
            }
        } finally {
            rlock.unlock();
        }
        if (direct != null) {
            deliverDirectly(direct, data, offset, length);
        }
        if (dropped > 0) {
            conn.consumed(this, 0, dropped);
        }
        if (endStream) {
            retireIfDone();
        }
        return true;
    }

    /** Guarded by rlock. */
    private void enqueue(byte[] data, int offset, int length, boolean shared) {
        if (shared || offset != 0 || length != data.length) {
            byte[] copy = new byte[length];
            System.arraycopy(data, offset, copy, 0, length);
            data = copy;
        }
        chunks.add(data);
        buffered += length;
    }

    /** On the reader: one non-blocking write into the sink; the rest is queued for the pump. */
    private void deliverDirectly(Relay.Side direct, byte[] data, int offset, int length) {
        int n = 0;
        IOException failed = null;
        try {
            n = Math.max(0, Math.min(length, direct.tryWrite(data, offset, length)));
        } catch (IOException e) {
            failed = e;
        }
        LongConsumer progress;
        int lost = 0;
        rlock.lock();
        try {
            directBusy = false;
            progress = delivered;
            boolean wake = remoteEnded; // the pump may wait for this write to finish before it ends the stream
            if (failed != null) {
                if (sinkFailure == null) {
                    sinkFailure = failed; // the pump fails with it, which aborts the relay
                }
                lost = length - n;
                wake = true;
            } else if (n < length) {
                if (resetCode < 0 && failure == null && !discarded) {
                    enqueue(data, offset + n, length - n, true);
                    wake = true;
                } else {
                    lost = length - n; // reset meanwhile: nobody will deliver the rest
                }
            }
            unacked += n;
            if (wake) {
                changed.signalAll();
            }
        } finally {
            rlock.unlock();
        }
        if (lost > 0) {
            conn.consumed(this, 0, lost); // still counts against the connection window
        }
        if (n > 0) {
            if (progress != null) {
                progress.accept(n);
            }
            creditConsumed(n);
        }
    }

    /**
     * Pump for {@link PushingSide#pushTo}: registers {@code to} for direct delivery, then writes whatever the reader
     * had to queue, in order, until END_STREAM; a reset, a lost connection or a failed direct write is thrown.
     */
    private void pumpTo(Relay.Side to, LongConsumer progress) throws IOException {
        rlock.lock();
        try {
            sink = to;
            delivered = progress;
        } finally {
            rlock.unlock();
        }
        try {
            while (true) {
                byte[][] batch;
                int first;
                long total;
                rlock.lock();
                try {
                    while (true) {
                        if (resetCode >= 0) {
                            throw HboneException.reset(resetCode, "stream " + id);
                        }
                        if (failure != null) {
                            throw failure;
                        }
                        if (sinkFailure != null) {
                            throw sinkFailure;
                        }
                        if (!directBusy) {
                            if (!chunks.isEmpty()) {
                                break;
                            }
                            if (remoteEnded) {
                                return;
                            }
                        }
                        changed.await();
                    }
                    batch = chunks.toArray(new byte[0][]);
                    first = headOffset;
                    total = buffered;
                    chunks.clear();
                    headOffset = 0;
                    buffered = 0;
                    pumpBusy = true;
                } finally {
                    rlock.unlock();
                }
                try {
                    for (int i = 0; i < batch.length; i++) {
                        int off = i == 0 ? first : 0;
                        to.write(batch[i], off, batch[i].length - off);
                    }
                } finally {
                    rlock.lock();
                    try {
                        pumpBusy = false;
                        unacked += (int) total;
                    } finally {
                        rlock.unlock();
                    }
                }
                progress.accept(total);
                creditConsumed((int) total);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted delivering stream " + id);
        } finally {
            rlock.lock();
            try {
                sink = null;
                delivered = null;
            } finally {
                rlock.unlock();
            }
        }
    }

    void onResponse(int status, HboneHeaders headers, boolean endStream) {
        rlock.lock();
        try {
            this.status = status;
            this.responseHeaders = headers;
            if (endStream) {
                remoteEnded = true;
            }
            changed.signalAll();
        } finally {
            rlock.unlock();
        }
        if (endStream) {
            retireIfDone();
        }
    }

    void onRemoteEnd() {
        rlock.lock();
        try {
            remoteEnded = true;
            changed.signalAll();
        } finally {
            rlock.unlock();
        }
        retireIfDone();
    }

    /** The peer reset the stream. */
    void onReset(int code) {
        markReset(code);
    }

    /** The connection is gone; every blocked call fails with {@code cause}. */
    void onConnectionFailed(HboneException cause) {
        rlock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            rlock.unlock();
        }
        endPull();
        retired.set(true);
    }

    private boolean markReset(int code) {
        long dropped;
        rlock.lock();
        try {
            if (resetCode >= 0 || failure != null || (remoteEnded && localEnded)) {
                return false;
            }
            resetCode = code;
            dropped = buffered;
            chunks.clear();
            buffered = 0;
            changed.signalAll();
        } finally {
            rlock.unlock();
        }
        conn.consumed(this, 0, (int) dropped); // unread bytes still count against the connection window
        conn.wakeSenders();
        endPull();
        retire();
        return true;
    }

    /** Drops unread bytes after the application is done with the stream, crediting the connection window. */
    private void discardUnread() {
        long dropped;
        rlock.lock();
        try {
            dropped = buffered;
            chunks.clear();
            headOffset = 0;
            buffered = 0;
            discarded = true;
        } finally {
            rlock.unlock();
        }
        if (dropped > 0) {
            conn.consumed(this, 0, (int) dropped);
        }
    }

    boolean isReset() {
        return resetCode >= 0;
    }

    private void retireIfDone() {
        if (remoteEnded && localEnded) {
            retire();
        }
    }

    private void retire() {
        if (retired.compareAndSet(false, true)) {
            conn.retire(this);
        }
    }

    boolean hasResponse() {
        rlock.lock();
        try {
            return status >= 0;
        } finally {
            rlock.unlock();
        }
    }

    boolean isRemoteEnded() {
        return remoteEnded;
    }

    /** Throws if the stream can no longer carry bytes in our direction. */
    void checkWritable() throws HboneException {
        HboneException f = failure;
        if (f != null) {
            throw f;
        }
        if (resetCode >= 0) {
            throw HboneException.reset(resetCode, "stream " + id);
        }
        if (localEnded) {
            throw new HboneException(HboneException.Reason.BAD_REQUEST, 0, 0, "stream " + id + " output closed", null);
        }
    }

    /** Client: waits for the final response status; returns it, or throws why none came. */
    int awaitResponse(Duration timeout) throws HboneException {
        long nanos = timeout.toNanos();
        rlock.lock();
        try {
            while (status < 0) {
                if (failure != null) {
                    throw failure;
                }
                if (resetCode >= 0) {
                    throw HboneException.reset(resetCode, "CONNECT on stream " + id);
                }
                if (nanos <= 0) {
                    throw new HboneException(
                            HboneException.Reason.TIMEOUT, 0, 0, "no CONNECT response on stream " + id, null);
                }
                nanos = changed.awaitNanos(nanos);
            }
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HboneException.closed("interrupted waiting for the CONNECT response", e);
        } finally {
            rlock.unlock();
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        int n = 0;
        rlock.lock();
        try {
            while (chunks.isEmpty()) {
                if (resetCode >= 0) {
                    throw HboneException.reset(resetCode, "stream " + id);
                }
                if (remoteEnded) {
                    return -1;
                }
                if (failure != null) {
                    throw failure;
                }
                changed.await();
            }
            while (n < len && !chunks.isEmpty()) {
                byte[] head = chunks.peek();
                int take = Math.min(len - n, head.length - headOffset);
                System.arraycopy(head, headOffset, b, off + n, take);
                n += take;
                headOffset += take;
                if (headOffset == head.length) {
                    chunks.poll();
                    headOffset = 0;
                }
            }
            buffered -= n;
            unacked += n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted reading stream " + id);
        } finally {
            rlock.unlock();
        }
        creditConsumed(n);
        return n;
    }

    /** Returns window credit for consumed bytes once half the stream window has been used. */
    private void creditConsumed(int bytes) {
        int credit = 0;
        rlock.lock();
        try {
            if (unacked >= conn.streamWindowThreshold() && !remoteEnded && resetCode < 0) {
                credit = unacked;
                unacked = 0;
                recvRemaining += credit;
            }
        } finally {
            rlock.unlock();
        }
        conn.consumed(this, credit, bytes);
    }

    private int available() {
        rlock.lock();
        try {
            return (int) Math.min(buffered, Integer.MAX_VALUE);
        } finally {
            rlock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        sendLock.lock();
        try {
            while (len > 0) {
                checkWritable();
                int n = conn.acquireSendWindow(this, Math.min(len, conn.dataPayloadSize()));
                if (frame == null || frame.length < Frames.HEADER_LENGTH + n) {
                    frame = new byte[Frames.HEADER_LENGTH + Math.max(n, Math.min(len, conn.dataPayloadSize()))];
                }
                Frames.header(frame, 0, n, Frames.DATA, 0, id);
                System.arraycopy(b, off, frame, Frames.HEADER_LENGTH, n);
                conn.write(frame, 0, Frames.HEADER_LENGTH + n);
                off += n;
                len -= n;
            }
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Sends {@code frame[HEADER_LENGTH, HEADER_LENGTH + length)} as one DATA frame, framed in place, as far as the
     * send windows allow right now (the send loop; {@code length} at most {@link #preferredWriteSize}): returns the
     * bytes sent, possibly 0. Never waits for a window; the socket write itself may block while TCP pushes back.
     */
    int trySendData(byte[] frame, int length) throws IOException {
        sendLock.lock();
        try {
            checkWritable();
            int n = conn.tryAcquireSendWindow(this, length);
            if (n > 0) {
                Frames.header(frame, 0, n, Frames.DATA, 0, id);
                conn.write(frame, 0, Frames.HEADER_LENGTH + n);
            }
            return n;
        } finally {
            sendLock.unlock();
        }
    }

    /** The send loop took over this stream's sending; it ends at once if the stream already cannot send. */
    void attach(SendLoop.Pull p) {
        pull = p;
        try {
            checkWritable();
        } catch (HboneException e) {
            p.complete(e);
        }
    }

    void detach(SendLoop.Pull p) {
        if (pull == p) {
            pull = null;
        }
    }

    /** Ends the send loop's pull, if any, because the stream can no longer send. */
    private void endPull() {
        SendLoop.Pull p = pull;
        if (p != null) {
            try {
                checkWritable();
            } catch (HboneException e) {
                p.complete(e);
            }
        }
    }

    private void endOutput() throws IOException {
        sendLock.lock();
        try {
            if (localEnded || resetCode >= 0) {
                return;
            }
            HboneException f = failure;
            if (f != null) {
                throw f;
            }
            byte[] end = new byte[Frames.HEADER_LENGTH];
            Frames.header(end, 0, 0, Frames.DATA, Frames.FLAG_END_STREAM, id);
            conn.write(end, 0, end.length);
            localEnded = true;
        } finally {
            sendLock.unlock();
        }
        retireIfDone();
    }

    /** Marks our side ended without sending (the END_STREAM went out on HEADERS). */
    void markLocalEnded() {
        localEnded = true;
        retireIfDone();
    }

    boolean isLocalEnded() {
        return localEnded;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = HboneStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            return HboneStream.this.read(b, off, len);
        }

        @Override
        public int available() {
            return HboneStream.this.available();
        }

        @Override
        public void close() {
            if (!remoteEnded) {
                HboneStream.this.reset(Http2ErrorCode.CANCEL);
            }
            discardUnread();
        }
    }

    /** The stream as a relay side; see {@link #relaySide()}. */
    private final class PushingSide implements Relay.Side.Pushing, Relay.Side.Pulling {
        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return input.read(buffer, offset, length);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            output.write(buffer, offset, length);
        }

        @Override
        public void shutdownOutput() throws IOException {
            output.close();
        }

        @Override
        public void pushTo(Relay.Side to, LongConsumer progress) throws IOException {
            pumpTo(to, progress);
        }

        @Override
        public void pullFrom(NonBlockingSocket from, LongConsumer progress) throws IOException {
            conn.pull(HboneStream.this, from, progress);
        }

        @Override
        public void close() {
            HboneStream.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            HboneStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            HboneStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            endOutput();
        }
    }

    @Override
    public String toString() {
        return "HboneStream[" + id + "]";
    }
}
