package io.ambient4j.common.hbone;

import io.ambient4j.common.net.NonBlockingSocket;
import io.ambient4j.common.tls.RecordBatch;
import io.helidon.http.http2.Http2ErrorCode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * One HTTP/2 connection carrying HBONE streams, in either role.
 *
 * <p>Threads: one reader demultiplexes frames into per-stream buffers and never writes to the socket
 * itself (a reader blocked on a full send buffer could deadlock two peers); control frames it must
 * answer with go through the {@link ControlWriter}. Stream threads write their own DATA frames,
 * each in one {@code write} under {@link #writeLock}. Locks: {@link #writeLock} may be taken before
 * {@link #lock}, never the other way round.
 */
final class H2Connection {
    private static final System.Logger LOG = System.getLogger(H2Connection.class.getName());
    private static final int MAX_CONTROL_BACKLOG = 10_000;

    enum Role {
        CLIENT,
        SERVER
    }

    private final Role role;
    private final InputStream in;
    private final OutputStream out;
    private final Closeable transport;
    private final Socket socket;
    private final HboneSettings local;
    private final HboneHandler handler;
    private final String name;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Integer, HboneStream> streams = new HashMap<>();
    private final ControlWriter control;
    private final AtomicLong connUnacked = new AtomicLong();
    private final AtomicLong connRecvRemaining;
    private volatile HboneException closedCause;
    private volatile int dataPayload = Frames.alignedDataPayload(PeerSettings.MIN_FRAME);
    private volatile Thread readerThread;

    // Guarded by lock.
    private PeerSettings peer = PeerSettings.defaults();
    private boolean peerSettingsSeen;
    private long connSendWindow = 65535;
    private int highestStreamId;
    private int nextStreamId = 1;
    private int slots;
    private int activeStreams;
    private boolean goAwayReceived;
    private boolean draining;
    private long idleSince = System.nanoTime();
    private SendLoop sendLoop;
    private boolean loopAwaitsWindow;

    // Reader thread only.
    private final Hpack.Decoder decoder = new Hpack.Decoder();
    private final byte[] frameHeader = new byte[Frames.HEADER_LENGTH];
    private byte[] scratch = new byte[512];
    private byte[] dataBuffer = new byte[4 * Frames.TLS_RECORD_PAYLOAD];
    private byte[] block = new byte[1024];
    private int blockLength;
    private int blockStreamId;
    private boolean blockEndStream;
    private boolean continuationExpected;
    private H2Error terminalError;

    H2Connection(
            Role role,
            InputStream in,
            OutputStream out,
            Closeable transport,
            Socket socket,
            HboneSettings local,
            HboneHandler handler,
            String name) {
        this.role = role;
        this.in = in;
        this.out = out;
        this.transport = transport;
        this.socket = socket;
        this.local = local;
        this.handler = handler;
        this.name = name;
        this.connRecvRemaining = new AtomicLong(local.connectionWindow());
        this.control = new ControlWriter(
                writeLock,
                out,
                this::closeTransport,
                e -> shutdown(HboneException.closed("HTTP/2 write failed: " + e.getMessage(), e)));
    }

    // ---------------------------------------------------------------- start-up

    /** Our SETTINGS and the connection WINDOW_UPDATE (the connection window starts at 65535). */
    private byte[] initialFrames() {
        int[][] settings = role == Role.SERVER
                ? new int[][] {
                    {PeerSettings.MAX_CONCURRENT_STREAMS, local.maxConcurrentStreams()},
                    {PeerSettings.INITIAL_WINDOW_SIZE, local.streamWindow()},
                    {PeerSettings.MAX_FRAME_SIZE, local.maxFrameSize()},
                    {PeerSettings.MAX_HEADER_LIST_SIZE, local.maxHeaderListSize()}
                }
                : new int[][] {
                    {PeerSettings.ENABLE_PUSH, 0},
                    {PeerSettings.INITIAL_WINDOW_SIZE, local.streamWindow()},
                    {PeerSettings.MAX_FRAME_SIZE, local.maxFrameSize()},
                    {PeerSettings.MAX_HEADER_LIST_SIZE, local.maxHeaderListSize()}
                };
        byte[] s = PeerSettings.encode(settings);
        int raise = local.connectionWindow() - 65535;
        byte[] w = raise > 0 ? Frames.windowUpdate(0, raise) : new byte[0];
        byte[] p = role == Role.CLIENT ? Frames.PREFACE : new byte[0];
        byte[] all = new byte[p.length + s.length + w.length];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(s, 0, all, p.length, s.length);
        System.arraycopy(w, 0, all, p.length + s.length, w.length);
        return all;
    }

    /** Client: sends the preface, starts the reader and waits for the server's SETTINGS. */
    void startClient() throws HboneException {
        startControlWriter();
        byte[] initial = initialFrames();
        write(initial, 0, initial.length);
        readerThread().start(this::runReader);
        long nanos = local.handshakeTimeout().toNanos();
        lock.lock();
        try {
            while (!peerSettingsSeen) {
                if (closedCause != null) {
                    throw closedCause;
                }
                if (nanos <= 0) {
                    HboneException timeout = new HboneException(
                            HboneException.Reason.TIMEOUT, 0, 0, "no SETTINGS from the HBONE server", null);
                    lock.unlock();
                    try {
                        shutdown(timeout);
                    } finally {
                        lock.lock();
                    }
                    throw timeout;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HboneException.closed("interrupted during the HTTP/2 handshake", e);
        } finally {
            lock.unlock();
        }
    }

    /** Server: sends SETTINGS, then reads on a reader thread until the connection ends; the caller waits for it. */
    H2Error runServer() {
        startControlWriter();
        byte[] initial = initialFrames();
        control.send(initial);
        Thread reader = readerThread().start(this::runReader);
        boolean interrupted = false;
        while (true) {
            try {
                reader.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                shutdown(HboneException.closed("interrupted while serving", e));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return terminalError;
    }

    /**
     * The frame reader runs on a platform thread: there are few HBONE connections per node, and a virtual thread
     * blocked in a socket read is woken through the JDK's poller threads, one more hand-off for every small
     * message (hbone-notes §3b measured the platform-thread reader at a lower p99 and about half the CPU per message).
     */
    private Thread.Builder readerThread() {
        return Thread.ofPlatform().daemon().name("hbone-reader-" + name);
    }

    private void startControlWriter() {
        control.start(name);
    }

    // ---------------------------------------------------------------- reader

    void runReader() {
        readerThread = Thread.currentThread();
        HboneException cause = null;
        try {
            if (role == Role.SERVER) {
                readPreface();
            }
            boolean first = true;
            while (closedCause == null && (cause = readFrame(first)) == null) {
                first = false;
            }
        } catch (H2Error e) {
            if (closedCause != null) {
                return; // already closing (e.g. after the peer's GOAWAY): nothing more to announce
            }
            terminalError = e;
            cause = new HboneException(
                    HboneException.Reason.PROTOCOL,
                    0,
                    e.code().code(),
                    "HTTP/2 " + e.code() + ": " + e.getMessage(),
                    null);
            LOG.log(System.Logger.Level.DEBUG, "hbone {0}: connection error {1}: {2}", name, e.code(), e.getMessage());
            lock.lock();
            int last;
            try {
                last = highestStreamId;
            } finally {
                lock.unlock();
            }
            control.send(Frames.goAway(last, e.code(), e.getMessage()));
        } catch (SocketTimeoutException e) {
            cause = new HboneException(HboneException.Reason.TIMEOUT, 0, 0, "no HTTP/2 preface/SETTINGS in time", e);
        } catch (IOException e) {
            cause = HboneException.closed("HTTP/2 connection failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Not expected: every malformed input is classified above. Still answer like a peer should.
            terminalError = H2Error.connection(Http2ErrorCode.INTERNAL, e.toString());
            cause = HboneException.closed("internal error: " + e, e);
            LOG.log(System.Logger.Level.WARNING, "hbone " + name + ": internal error", e);
            control.send(Frames.goAway(0, Http2ErrorCode.INTERNAL, "internal error"));
        }
        shutdown(cause != null ? cause : HboneException.closed("HTTP/2 connection closed", null));
    }

    /**
     * Reads and handles one frame; the end of the connection if the peer closed it, else null. One call per frame, so
     * the JIT compiles it as an ordinary method shared by every connection's reader rather than only on-stack per
     * running loop (see {@code SendLoop.turn}).
     */
    private HboneException readFrame(boolean first) throws IOException, H2Error {
        int n = in.readNBytes(frameHeader, 0, Frames.HEADER_LENGTH);
        if (n < Frames.HEADER_LENGTH) {
            return HboneException.closed(
                    n == 0 ? "peer closed the HTTP/2 connection" : "connection ended inside a frame header", null);
        }
        FrameHeader h = FrameHeader.parse(frameHeader);
        if (first && (h.type() != Frames.SETTINGS || h.has(Frames.FLAG_ACK))) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "the first frame must be SETTINGS");
        }
        try {
            dispatch(h);
        } catch (H2Error e) {
            if (e.isConnectionError()) {
                throw e;
            }
            streamError(e);
        }
        if (first && socket != null && role == Role.SERVER) {
            socket.setSoTimeout(0);
        }
        return null;
    }

    private void readPreface() throws IOException, H2Error {
        if (socket != null) {
            socket.setSoTimeout((int) Math.max(1, local.handshakeTimeout().toMillis()));
        }
        byte[] preface = in.readNBytes(Frames.PREFACE.length);
        if (!Arrays.equals(preface, Frames.PREFACE)) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "not an HTTP/2 client preface");
        }
    }

    private void dispatch(FrameHeader h) throws IOException, H2Error {
        int len = h.length();
        int type = h.type();
        int sid = h.streamId();
        if (len > local.maxFrameSize()) {
            throw H2Error.connection(Http2ErrorCode.FRAME_SIZE, "frame of " + len + " bytes exceeds MAX_FRAME_SIZE");
        }
        if (continuationExpected && (type != Frames.CONTINUATION || sid != blockStreamId)) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "expected CONTINUATION of stream " + blockStreamId);
        }
        if (type == Frames.DATA) {
            onData(h);
        } else if (type == Frames.HEADERS) {
            onHeaders(h);
        } else if (type == Frames.CONTINUATION) {
            if (!continuationExpected) {
                throw H2Error.connection(Http2ErrorCode.PROTOCOL, "CONTINUATION without HEADERS");
            }
            readPayload(len);
            appendBlock(0, len);
            if (h.has(Frames.FLAG_END_HEADERS)) {
                continuationExpected = false;
                completeHeaders();
            }
        } else if (type == Frames.PRIORITY) {
            requireStream(sid, "PRIORITY");
            readPayload(len);
            if (len != 5) {
                throw H2Error.stream(sid, Http2ErrorCode.FRAME_SIZE, "PRIORITY length " + len);
            }
        } else if (type == Frames.RST_STREAM) {
            requireStream(sid, "RST_STREAM");
            requireLength(len, 4, "RST_STREAM");
            readPayload(len);
            onRstStream(sid, Frames.getInt(scratch, 0));
        } else if (type == Frames.SETTINGS) {
            requireConnection(sid, "SETTINGS");
            if (h.has(Frames.FLAG_ACK)) {
                requireLength(len, 0, "SETTINGS ACK");
            } else {
                readPayload(len);
                onSettings(len);
            }
        } else if (type == Frames.PUSH_PROMISE) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "PUSH_PROMISE is disabled");
        } else if (type == Frames.PING) {
            requireConnection(sid, "PING");
            requireLength(len, 8, "PING");
            readPayload(len);
            if (!h.has(Frames.FLAG_ACK)) {
                checkBacklog();
                control.send(Frames.pingAck(scratch));
            }
        } else if (type == Frames.GOAWAY) {
            requireConnection(sid, "GOAWAY");
            if (len < 8) {
                throw H2Error.connection(Http2ErrorCode.FRAME_SIZE, "GOAWAY length " + len);
            }
            readPayload(len);
            onGoAway(Frames.getInt(scratch, 0) & 0x7fffffff, Frames.getInt(scratch, 4));
        } else if (type == Frames.WINDOW_UPDATE) {
            requireLength(len, 4, "WINDOW_UPDATE");
            readPayload(len);
            onWindowUpdate(sid, Frames.getInt(scratch, 0) & 0x7fffffff);
        } else {
            readPayload(len); // unknown frame types are ignored (RFC 9113 §4.1)
        }
    }

    private static void requireStream(int sid, String what) throws H2Error {
        if (sid == 0) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, what + " on stream 0");
        }
    }

    private static void requireConnection(int sid, String what) throws H2Error {
        if (sid != 0) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, what + " on stream " + sid);
        }
    }

    private static void requireLength(int len, int expected, String what) throws H2Error {
        if (len != expected) {
            throw H2Error.connection(Http2ErrorCode.FRAME_SIZE, what + " length " + len);
        }
    }

    private void checkBacklog() throws H2Error {
        if (control.backlog() > MAX_CONTROL_BACKLOG) {
            throw H2Error.connection(Http2ErrorCode.ENHANCE_YOUR_CALM, "too many unanswered control frames");
        }
    }

    private void readPayload(int len) throws IOException {
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        readFully(scratch, len);
    }

    private void readFully(byte[] buf, int len) throws IOException {
        int n = in.readNBytes(buf, 0, len);
        if (n < len) {
            throw new java.io.EOFException("connection ended inside a frame");
        }
    }

    /** Is {@code sid} a stream that was never opened (RFC 9113 §5.1 "idle")? */
    private boolean isIdle(int sid) {
        lock.lock();
        try {
            return sid > highestStreamId;
        } finally {
            lock.unlock();
        }
    }

    private HboneStream stream(int sid) {
        lock.lock();
        try {
            return streams.get(sid);
        } finally {
            lock.unlock();
        }
    }

    private void onData(FrameHeader h) throws IOException, H2Error {
        int sid = h.streamId();
        int len = h.length();
        requireStream(sid, "DATA");
        // A stream that pushes DATA straight into its destination copies only what that cannot take at once, so
        // its payloads are read into one reused buffer; any other stream keeps the frame's array as it is.
        HboneStream target = stream(sid);
        boolean shared = target != null && target.pushesDirectly();
        byte[] payload;
        if (shared) {
            if (dataBuffer.length < len) {
                dataBuffer = new byte[Math.max(len, dataBuffer.length * 2)];
            }
            payload = dataBuffer;
        } else {
            payload = new byte[len];
        }
        readFully(payload, len);
        int start = 0;
        int pad = 0;
        if (h.has(Frames.FLAG_PADDED)) {
            if (len < 1 || (pad = payload[0] & 0xff) > len - 1) {
                throw H2Error.connection(Http2ErrorCode.PROTOCOL, "DATA padding exceeds the frame");
            }
            start = 1;
        }
        if (connRecvRemaining.addAndGet(-len) < 0) {
            throw H2Error.connection(Http2ErrorCode.FLOW_CONTROL, "DATA beyond the connection window");
        }
        HboneStream s = stream(sid);
        if (s == null) {
            creditConnection(len);
            if (isIdle(sid)) {
                throw H2Error.connection(Http2ErrorCode.PROTOCOL, "DATA on idle stream " + sid);
            }
            return; // a stream we already closed or reset: drop, but keep the connection window whole
        }
        if (s.isRemoteEnded()) {
            creditConnection(len);
            throw H2Error.stream(sid, Http2ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
        }
        if (role == Role.CLIENT && !s.hasResponse()) {
            creditConnection(len);
            throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "DATA before the response HEADERS");
        }
        int dataLen = len - start - pad;
        if (!s.onData(payload, start, dataLen, len, h.has(Frames.FLAG_END_STREAM), shared)) {
            creditConnection(len);
            throw H2Error.stream(sid, Http2ErrorCode.FLOW_CONTROL, "DATA beyond the stream window");
        }
        if (len > dataLen) {
            creditConnection(len - dataLen);
        }
    }

    private void onHeaders(FrameHeader h) throws IOException, H2Error {
        int sid = h.streamId();
        int len = h.length();
        requireStream(sid, "HEADERS");
        readPayload(len);
        int start = 0;
        int pad = 0;
        if (h.has(Frames.FLAG_PADDED)) {
            if (len < 1) {
                throw H2Error.connection(Http2ErrorCode.FRAME_SIZE, "HEADERS too short for padding");
            }
            pad = scratch[0] & 0xff;
            start = 1;
        }
        if (h.has(Frames.FLAG_PRIORITY)) {
            start += 5;
        }
        if (start + pad > len) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "HEADERS padding/priority exceed the frame");
        }
        blockLength = 0;
        blockStreamId = sid;
        blockEndStream = h.has(Frames.FLAG_END_STREAM);
        appendBlock(start, len - pad - start);
        if (h.has(Frames.FLAG_END_HEADERS)) {
            completeHeaders();
        } else {
            continuationExpected = true;
        }
    }

    /** Header blocks are capped at 4x the header list limit; beyond that HPACK state cannot be kept. */
    private void appendBlock(int from, int len) throws H2Error {
        int cap = 4 * local.maxHeaderListSize();
        if (blockLength + len > cap) {
            throw H2Error.connection(
                    Http2ErrorCode.ENHANCE_YOUR_CALM, "header block of stream " + blockStreamId + " exceeds " + cap);
        }
        if (block.length < blockLength + len) {
            block = Arrays.copyOf(block, Math.max(blockLength + len, block.length * 2));
        }
        System.arraycopy(scratch, from, block, blockLength, len);
        blockLength += len;
    }

    private void completeHeaders() throws H2Error {
        Hpack.Decoded d = decoder.decode(blockStreamId, block, blockLength, role == Role.CLIENT);
        if (role == Role.SERVER) {
            serverHeaders(blockStreamId, d, blockEndStream);
        } else {
            clientHeaders(blockStreamId, d, blockEndStream);
        }
    }

    private void serverHeaders(int sid, Hpack.Decoded d, boolean endStream) throws H2Error {
        if (sid % 2 == 0) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "client stream ids must be odd, got " + sid);
        }
        HboneStream existing = stream(sid);
        if (existing != null) {
            if (!endStream) {
                throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "HEADERS inside an open stream");
            }
            existing.onRemoteEnd(); // trailers end the request body; their fields mean nothing to a tunnel
            return;
        }
        HboneStream s;
        lock.lock();
        try {
            if (sid <= highestStreamId) {
                throw H2Error.stream(sid, Http2ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + sid);
            }
            highestStreamId = sid;
            if (closedCause != null) {
                return;
            }
            if (draining) {
                throw H2Error.stream(sid, Http2ErrorCode.REFUSED_STREAM, "draining");
            }
            if (activeStreams >= local.maxConcurrentStreams()) {
                throw H2Error.stream(sid, Http2ErrorCode.REFUSED_STREAM, "MAX_CONCURRENT_STREAMS reached");
            }
        } finally {
            lock.unlock();
        }
        if (d.listSize() > local.maxHeaderListSize()) {
            rejectEarly(sid, 431, endStream);
            return;
        }
        String bad = d.connectionSpecificField();
        if (bad != null) {
            throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "connection-specific header field " + bad);
        }
        var authority = Authority.parse(d.authority());
        if (!"CONNECT".equals(d.method()) || d.scheme() != null || d.path() != null || authority.isEmpty()) {
            rejectEarly(sid, 400, endStream);
            return;
        }
        lock.lock();
        try {
            s = new HboneStream(this, sid, peer.initialWindowSize(), local.streamWindow());
            streams.put(sid, s);
            activeStreams++;
        } finally {
            lock.unlock();
        }
        if (endStream) {
            s.onRemoteEnd();
        }
        HboneRequest request = new HboneRequest(
                sid, d.authority(), authority.get().host(), authority.get().port(), d.headers());
        Thread.ofVirtual().name("hbone-stream-" + name + "-" + sid).start(() -> serveStream(s, request));
    }

    /** Answers a CONNECT we refuse before any handler ran (400/431), from the reader. */
    private void rejectEarly(int sid, int status, boolean endStream) {
        byte[] frames =
                Frames.headersFrames(sid, Hpack.encodeResponse(status, HboneHeaders.empty()), true, peerMaxFrame());
        control.send(frames);
        if (!endStream) {
            control.send(Frames.rstStream(sid, Http2ErrorCode.NO_ERROR));
        }
    }

    private void serveStream(HboneStream s, HboneRequest request) {
        HboneVerdict verdict;
        try {
            verdict = handler.handle(request);
            if (verdict == null) {
                verdict = HboneVerdict.reject(503);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "hbone {0}: handler failed for {1}: {2}", name, request.authority(), e);
            verdict = HboneVerdict.reject(503);
        }
        try {
            switch (verdict) {
                case HboneVerdict.Reject r -> {
                    writeHeaders(s.streamId(), Hpack.encodeResponse(r.status(), r.headers()), true);
                    s.markLocalEnded();
                    if (!s.isRemoteEnded()) {
                        s.reset(Http2ErrorCode.NO_ERROR);
                    }
                }
                case HboneVerdict.Accept a -> {
                    if (s.isReset()) {
                        return; // the client gave up while we decided
                    }
                    writeHeaders(s.streamId(), Hpack.encodeResponse(200, a.headers()), false);
                    try {
                        a.tunnel().run(s);
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "hbone {0}: tunnel {1} failed: {2}", name, s, e);
                        s.reset(Http2ErrorCode.CONNECT);
                    } finally {
                        s.close();
                    }
                }
            }
        } catch (HboneException e) {
            s.reset(Http2ErrorCode.CANCEL);
        }
    }

    private void clientHeaders(int sid, Hpack.Decoded d, boolean endStream) throws H2Error {
        if (sid % 2 == 0) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "server-initiated stream " + sid);
        }
        HboneStream s = stream(sid);
        if (s == null) {
            if (isIdle(sid)) {
                throw H2Error.connection(Http2ErrorCode.PROTOCOL, "HEADERS on idle stream " + sid);
            }
            return; // we already closed or reset it
        }
        if (s.hasResponse()) {
            if (!endStream) {
                throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "HEADERS inside an open stream");
            }
            s.onRemoteEnd();
            return;
        }
        if (d.status() < 0 || d.method() != null || d.authority() != null) {
            throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "response without :status or with request fields");
        }
        if (d.listSize() > local.maxHeaderListSize()) {
            throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "response header list too large");
        }
        if (d.status() < 200) {
            if (endStream) {
                throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "END_STREAM on an interim response");
            }
            return;
        }
        s.onResponse(d.status(), d.headers(), endStream);
    }

    private void onRstStream(int sid, int code) throws H2Error {
        HboneStream s = stream(sid);
        if (s != null) {
            s.onReset(code);
        } else if (isIdle(sid)) {
            throw H2Error.connection(Http2ErrorCode.PROTOCOL, "RST_STREAM on idle stream " + sid);
        }
    }

    private void onSettings(int len) throws H2Error {
        checkBacklog();
        SendLoop wake;
        lock.lock();
        try {
            PeerSettings old = peer;
            PeerSettings next = old.apply(scratch, len);
            long delta = (long) next.initialWindowSize() - old.initialWindowSize();
            if (delta != 0) {
                for (HboneStream s : streams.values()) {
                    if (s.sendWindow + delta > PeerSettings.MAX_WINDOW) {
                        throw H2Error.connection(Http2ErrorCode.FLOW_CONTROL, "window overflow on SETTINGS");
                    }
                    s.sendWindow += delta;
                }
            }
            peer = next;
            dataPayload = Frames.alignedDataPayload(next.maxFrameSize());
            peerSettingsSeen = true;
            changed.signalAll();
            wake = delta > 0 ? loopToWake() : null;
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.windowRaised();
        }
        control.send(Frames.settingsAck());
    }

    private void onWindowUpdate(int sid, int increment) throws H2Error {
        if (increment == 0) {
            if (sid == 0) {
                throw H2Error.connection(Http2ErrorCode.PROTOCOL, "WINDOW_UPDATE of 0 on the connection");
            }
            throw H2Error.stream(sid, Http2ErrorCode.PROTOCOL, "WINDOW_UPDATE of 0");
        }
        SendLoop wake = null;
        lock.lock();
        try {
            if (sid == 0) {
                connSendWindow += increment;
                if (connSendWindow > PeerSettings.MAX_WINDOW) {
                    throw H2Error.connection(Http2ErrorCode.FLOW_CONTROL, "connection window above 2^31-1");
                }
            } else {
                HboneStream s = streams.get(sid);
                if (s == null) {
                    if (sid > highestStreamId) {
                        throw H2Error.connection(Http2ErrorCode.PROTOCOL, "WINDOW_UPDATE on idle stream " + sid);
                    }
                    return;
                }
                s.sendWindow += increment;
                if (s.sendWindow > PeerSettings.MAX_WINDOW) {
                    throw H2Error.stream(sid, Http2ErrorCode.FLOW_CONTROL, "stream window above 2^31-1");
                }
            }
            changed.signalAll();
            wake = loopToWake();
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.windowRaised();
        }
    }

    private void onGoAway(int lastStreamId, int code) {
        List<HboneStream> refused = new ArrayList<>();
        boolean empty;
        lock.lock();
        try {
            goAwayReceived = true;
            if (role == Role.CLIENT) {
                for (HboneStream s : streams.values()) {
                    if (s.streamId() > lastStreamId) {
                        refused.add(s);
                    }
                }
                refused.forEach(s -> streams.remove(s.streamId()));
                slots -= refused.size();
            }
            empty = streams.isEmpty();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        HboneException why = HboneException.refused("GOAWAY (error " + code + ") before the stream was processed");
        refused.forEach(s -> s.onConnectionFailed(why));
        if (empty) {
            shutdown(HboneException.closed("peer sent GOAWAY (error " + code + ")", null));
        }
    }

    private void streamError(H2Error e) {
        LOG.log(
                System.Logger.Level.DEBUG,
                "hbone {0}: stream {1} error {2}: {3}",
                name,
                e.streamId(),
                e.code(),
                e.getMessage());
        HboneStream s = stream(e.streamId());
        if (s != null) {
            s.onReset(e.code().code());
        }
        control.send(Frames.rstStream(e.streamId(), e.code()));
    }

    // ---------------------------------------------------------------- flow control and writing

    int dataPayloadSize() {
        return dataPayload;
    }

    int streamWindowThreshold() {
        return local.streamWindow() / 2;
    }

    private int peerMaxFrame() {
        lock.lock();
        try {
            return peer.maxFrameSize();
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until both the stream's and the connection's send windows are positive; takes up to {@code want}. */
    int acquireSendWindow(HboneStream s, int want) throws HboneException {
        lock.lock();
        try {
            while (true) {
                s.checkWritable();
                HboneException closed = closedCause;
                if (closed != null) {
                    throw closed;
                }
                if (s.sendWindow > 0 && connSendWindow > 0) {
                    int n = (int) Math.min(want, Math.min(s.sendWindow, connSendWindow));
                    s.sendWindow -= n;
                    connSendWindow -= n;
                    return n;
                }
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HboneException.closed("interrupted waiting for flow-control window", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code want} bytes of both send windows without waiting (the send loop): 0 when either is
     * exhausted. Taking less than asked makes the next window increase wake the loop.
     */
    int tryAcquireSendWindow(HboneStream s, int want) throws HboneException {
        lock.lock();
        try {
            s.checkWritable();
            HboneException closed = closedCause;
            if (closed != null) {
                throw closed;
            }
            int n = (int) Math.max(0, Math.min(want, Math.min(s.sendWindow, connSendWindow)));
            s.sendWindow -= n;
            connSendWindow -= n;
            if (n < want) {
                loopAwaitsWindow = true;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Moves {@code src}'s bytes into {@code s} on this connection's send loop (started on first use) until EOF. */
    void pull(HboneStream s, NonBlockingSocket src, LongConsumer delivered) throws IOException {
        SendLoop loop;
        lock.lock();
        try {
            if (closedCause != null) {
                throw closedCause;
            }
            if (sendLoop == null) {
                sendLoop = SendLoop.start(this, name);
            }
            loop = sendLoop;
        } finally {
            lock.unlock();
        }
        loop.pull(s, src, delivered);
    }

    /** After a window increase (reader, under {@link #lock}): the send loop to wake, if it waits for one. */
    private SendLoop loopToWake() {
        if (loopAwaitsWindow && sendLoop != null) {
            loopAwaitsWindow = false;
            return sendLoop;
        }
        return null;
    }

    void wakeSenders() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A stream's reader consumed {@code bytes}; send the credit that became due, in one write. */
    void consumed(HboneStream s, int streamCredit, int bytes) {
        long connCredit = 0;
        if (connUnacked.addAndGet(bytes) >= local.connectionWindow() / 2) {
            connCredit = connUnacked.getAndSet(0);
        }
        if (streamCredit == 0 && connCredit == 0) {
            return;
        }
        byte[] frames;
        if (connCredit > 0) {
            connRecvRemaining.addAndGet(connCredit);
        }
        if (streamCredit > 0 && connCredit > 0) {
            frames = new byte[26];
            System.arraycopy(Frames.windowUpdate(s.streamId(), streamCredit), 0, frames, 0, 13);
            System.arraycopy(Frames.windowUpdate(0, (int) connCredit), 0, frames, 13, 13);
        } else if (streamCredit > 0) {
            frames = Frames.windowUpdate(s.streamId(), streamCredit);
        } else {
            frames = Frames.windowUpdate(0, (int) connCredit);
        }
        if (Thread.currentThread() == readerThread) {
            control.send(frames); // the reader never blocks on the socket (e.g. credit for a reset stream)
            return;
        }
        try {
            write(frames, 0, frames.length);
        } catch (HboneException e) {
            // the connection is gone; readers learn it from their next read
        }
    }

    /** Connection-window credit for bytes nobody will read (padding, closed streams); from the reader. */
    private void creditConnection(int bytes) {
        if (connUnacked.addAndGet(bytes) >= local.connectionWindow() / 2) {
            long credit = connUnacked.getAndSet(0);
            if (credit > 0) {
                connRecvRemaining.addAndGet(credit);
                control.send(Frames.windowUpdate(0, (int) credit));
            }
        }
    }

    void write(byte[] buf, int off, int len) throws HboneException {
        writeLock.lock();
        try {
            HboneException closed = closedCause;
            if (closed != null) {
                throw closed;
            }
            if (len > Frames.TLS_RECORD_PAYLOAD) {
                RecordBatch.write(() -> out.write(buf, off, len)); // one syscall for the frame's records
            } else {
                out.write(buf, off, len);
            }
            out.flush();
        } catch (IOException e) {
            if (e instanceof HboneException he) {
                throw he;
            }
            HboneException failed = HboneException.closed("HTTP/2 write failed: " + e.getMessage(), e);
            Thread.ofVirtual().start(() -> shutdown(failed));
            throw failed;
        } finally {
            writeLock.unlock();
        }
    }

    void writeHeaders(int sid, byte[] headerBlock, boolean endStream) throws HboneException {
        byte[] frames = Frames.headersFrames(sid, headerBlock, endStream, peerMaxFrame());
        write(frames, 0, frames.length);
    }

    void sendReset(int sid, Http2ErrorCode code) {
        if (closedCause == null) {
            control.send(Frames.rstStream(sid, code));
        }
    }

    // ---------------------------------------------------------------- client streams

    /** Reserves one stream slot if this connection has capacity (client). */
    boolean tryReserve() {
        lock.lock();
        try {
            if (closedCause != null || goAwayReceived || nextStreamId < 0 || slots >= maxStreams()) {
                return false;
            }
            slots++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until a slot is free (client). */
    void reserve() throws HboneException {
        lock.lock();
        try {
            while (true) {
                if (closedCause != null) {
                    throw closedCause;
                }
                if (goAwayReceived) {
                    throw HboneException.refused("connection is going away");
                }
                if (slots < maxStreams()) {
                    slots++;
                    return;
                }
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HboneException.closed("interrupted waiting for a stream slot", e);
        } finally {
            lock.unlock();
        }
    }

    void releaseSlot() {
        lock.lock();
        try {
            slots = Math.max(0, slots - 1);
            if (slots == 0) {
                idleSince = System.nanoTime();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int maxStreams() {
        lock.lock();
        try {
            return Math.min(local.maxStreamsPerConnection(), peer.maxConcurrentStreams());
        } finally {
            lock.unlock();
        }
    }

    int activeStreams() {
        lock.lock();
        try {
            return role == Role.CLIENT ? slots : activeStreams;
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds since the last stream ended, or 0 while streams are open. */
    long idleNanos() {
        lock.lock();
        try {
            return slots > 0 || activeStreams > 0 ? 0 : System.nanoTime() - idleSince;
        } finally {
            lock.unlock();
        }
    }

    boolean isAvailable() {
        lock.lock();
        try {
            return closedCause == null && !goAwayReceived && !draining && nextStreamId > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Sends the CONNECT on a reserved slot and waits for the final response. */
    HboneStream openReserved(String authority, HboneHeaders headers, Duration timeout) throws HboneException {
        HboneStream s;
        byte[] frames;
        try {
            if (Authority.parse(authority).isEmpty()) {
                throw new HboneException(
                        HboneException.Reason.BAD_REQUEST, 0, 0, "invalid CONNECT authority: " + authority, null);
            }
            frames = Frames.headersFrames(1, Hpack.encodeConnect(authority, headers), false, peerMaxFrame());
        } catch (HboneException e) {
            releaseSlot();
            throw e;
        }
        writeLock.lock();
        try {
            lock.lock();
            try {
                if (closedCause != null || goAwayReceived || nextStreamId < 0) {
                    slots = Math.max(0, slots - 1);
                    throw closedCause != null ? closedCause : HboneException.refused("connection is going away");
                }
                int id = nextStreamId;
                nextStreamId += 2;
                highestStreamId = id;
                s = new HboneStream(this, id, peer.initialWindowSize(), local.streamWindow());
                streams.put(id, s);
            } finally {
                lock.unlock();
            }
            Frames.restamp(frames, s.streamId());
            out.write(frames);
            out.flush();
        } catch (IOException e) {
            if (e instanceof HboneException he) {
                throw he;
            }
            HboneException failed = HboneException.closed("HTTP/2 write failed: " + e.getMessage(), e);
            Thread.ofVirtual().start(() -> shutdown(failed));
            throw failed;
        } finally {
            writeLock.unlock();
        }
        int status;
        try {
            status = s.awaitResponse(timeout);
        } catch (HboneException e) {
            s.reset(Http2ErrorCode.CANCEL);
            throw e;
        }
        if (status != 200) {
            if (!s.isRemoteEnded()) {
                s.reset(Http2ErrorCode.CANCEL);
            }
            throw HboneException.status(status, authority);
        }
        return s;
    }

    /** A stream finished in both directions or was reset: forget it and free its slot. */
    void retire(HboneStream s) {
        boolean closeNow = false;
        lock.lock();
        try {
            if (streams.remove(s.streamId()) != null) {
                if (role == Role.CLIENT) {
                    slots = Math.max(0, slots - 1);
                } else {
                    activeStreams--;
                }
                if (slots == 0 && activeStreams == 0) {
                    idleSince = System.nanoTime();
                }
                closeNow = (goAwayReceived || draining) && streams.isEmpty();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (closeNow) {
            Thread.ofVirtual().start(() -> shutdown(HboneException.closed("peer sent GOAWAY", null)));
        }
    }

    // ---------------------------------------------------------------- shutdown

    /** Graceful close: GOAWAY(NO_ERROR), then the transport. */
    void close() {
        int last;
        lock.lock();
        try {
            last = highestStreamId;
        } finally {
            lock.unlock();
        }
        if (closedCause == null) {
            control.send(Frames.goAway(role == Role.SERVER ? last : 0, Http2ErrorCode.NO_ERROR, "closing"));
        }
        shutdown(HboneException.closed("HTTP/2 connection closed locally", null));
    }

    /**
     * Server drain: GOAWAY(NO_ERROR) so the client opens no new streams here, then close once the
     * streams in flight have finished.
     */
    void drain() {
        int last;
        boolean idle;
        lock.lock();
        try {
            if (closedCause != null || draining) {
                return;
            }
            draining = true;
            last = highestStreamId;
            idle = streams.isEmpty();
        } finally {
            lock.unlock();
        }
        control.send(Frames.goAway(last, Http2ErrorCode.NO_ERROR, "draining"));
        if (idle) {
            shutdown(HboneException.closed("HTTP/2 connection drained", null));
        }
    }

    /** Waits until the connection is closed; false if {@code deadlineNanos} (System.nanoTime) passed first. */
    boolean awaitClosed(long deadlineNanos) {
        lock.lock();
        try {
            while (closedCause == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return closedCause != null;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closedCause != null;
    }

    void shutdown(HboneException cause) {
        List<HboneStream> failed;
        SendLoop loop;
        lock.lock();
        try {
            if (closedCause != null) {
                return;
            }
            closedCause = cause;
            failed = new ArrayList<>(streams.values());
            streams.clear();
            slots = 0;
            activeStreams = 0;
            loop = sendLoop;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        failed.forEach(s -> s.onConnectionFailed(cause));
        if (loop != null) {
            loop.close(cause);
        }
        control.close();
        control.awaitExit(Duration.ofSeconds(1));
        closeTransport();
    }

    private void closeTransport() {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "hbone {0}: close failed: {1}", name, e);
        }
    }
}
