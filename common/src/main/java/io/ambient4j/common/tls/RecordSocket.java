package io.ambient4j.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connected TCP socket under a layered mutual-TLS {@code SSLSocket} (HBONE), which reads ahead and can send
 * several TLS records in one syscall; every other call goes to the TCP socket as is.
 *
 * <p>Why: the JDK's TLS reads a record as two {@code read}s (its 5-byte header, then its body) and writes each record
 * with a {@code write} of its own. On a bulk transfer that is eight reads and four writes per 64 KiB HTTP/2 frame, each
 * write waking the peer's reader, and the kernel's share of a ztunnel's CPU was over half (bench/RESULTS.md, "TLS
 * records per syscall"). Here reads take whatever the kernel has, up to {@link #FOUR_RECORDS} bytes, and serve the
 * TLS layer's small reads from that; writes go out at once, except inside a {@link RecordBatch}, whose records leave
 * together when it ends. A request/response exchange still costs one {@code write} per message, and one {@code read}
 * where it cost two.
 *
 * <p>Buffers grow only when traffic fills them: the read-ahead starts at {@link #READ_AHEAD_MIN} bytes and doubles
 * each time a read fills it; the batch buffer is allocated at the first batch. The JDK calls this socket's methods
 * because the {@code SSLSocket} is layered on it ({@code SSLSocketFactory.createSocket(Socket, host, port, true)});
 * {@link Mtls#acceptMutual} and {@link Mtls#connectMutual} are where HBONE's TLS sockets are made that way.
 */
public final class RecordSocket extends Socket {
    static final int READ_AHEAD_MIN = 2 * 1024;
    /**
     * Four full TLS 1.3 records with their headers and tags (one HBONE frame of a bulk transfer): the size either
     * buffer stops doubling at.
     */
    static final int FOUR_RECORDS = 4 * (16384 + 256);

    private final Socket tcp;
    private final ReadAhead in;
    private final RecordOutput out;

    private RecordSocket(Socket tcp) throws IOException {
        super((java.net.SocketImpl) null);
        this.tcp = tcp;
        this.out = new RecordOutput(tcp.getOutputStream());
        this.in = new ReadAhead(tcp.getInputStream(), out);
    }

    /** Wraps a connected TCP socket, before a TLS socket is layered on it. */
    public static RecordSocket over(Socket tcp) throws IOException {
        Objects.requireNonNull(tcp, "tcp");
        if (!tcp.isConnected()) {
            throw new SocketException("not connected");
        }
        return new RecordSocket(tcp);
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    // ---------------------------------------------------------------- the stream halves

    /**
     * Reads ahead into one buffer. Only one thread reads at a time: the TLS layer reads under its own lock, and drains
     * what is left only when it can take that lock.
     */
    static final class ReadAhead extends InputStream {
        private final InputStream raw;
        private final RecordOutput out;
        private byte[] buf = new byte[0];
        private int pos;
        private int limit;

        /** {@code out}: the same socket's output, whose held records go out before a batch's thread waits to read. */
        ReadAhead(InputStream raw, RecordOutput out) {
            this.raw = raw;
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            if (pos == limit && fill() < 0) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (pos == limit) {
                if (len >= FOUR_RECORDS) {
                    return raw.read(b, off, len); // as large as the buffer could be: no copy
                }
                if (fill() < 0) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        /**
         * One read of what the kernel has; the buffer doubles (to the maximum) when the last read filled it. A thread
         * inside a batch that reads (the TLS handshake, started by the first write) first sends what the batch holds:
         * the peer cannot answer records it has not been sent.
         */
        private int fill() throws IOException {
            if (RecordBatch.current() != null) {
                out.sendPending();
            }
            if (buf.length == 0) {
                buf = new byte[READ_AHEAD_MIN];
            } else if (limit == buf.length && buf.length < FOUR_RECORDS) {
                buf = new byte[Math.min(FOUR_RECORDS, 2 * buf.length)];
            }
            pos = 0;
            limit = 0;
            int n = raw.read(buf, 0, buf.length);
            if (n > 0) {
                limit = n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return limit - pos > 0 ? limit - pos : raw.available();
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            if (pos < limit) {
                int k = (int) Math.min(n, limit - pos);
                pos += k;
                return k;
            }
            return raw.skip(n);
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    /**
     * Writes through, except inside a {@link RecordBatch}, which keeps the records until it ends. A write from outside
     * the batch while records are kept (the TLS layer answering from its reader thread) sends everything kept first,
     * in order: the peer must see the records in the order they were sealed.
     */
    static final class RecordOutput extends OutputStream {
        private final OutputStream raw;
        private final ReentrantLock lock = new ReentrantLock();
        // Guarded by lock.
        private byte[] pending = new byte[0];
        private int length;

        RecordOutput(OutputStream raw) {
            this.raw = raw;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            RecordBatch batch = RecordBatch.current();
            lock.lock();
            try {
                if (batch != null && batch.join(this)) {
                    append(b, off, len);
                } else if (length > 0) {
                    append(b, off, len);
                    sendLocked();
                } else {
                    raw.write(b, off, len);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Sends what a batch kept, in one write; called when the batch ends. */
        void sendPending() throws IOException {
            lock.lock();
            try {
                sendLocked();
            } finally {
                lock.unlock();
            }
        }

        private void sendLocked() throws IOException {
            if (length == 0) {
                return;
            }
            int n = length;
            length = 0; // on failure the connection is dead anyway: nothing is sent twice
            raw.write(pending, 0, n);
        }

        private void append(byte[] b, int off, int len) {
            if (pending.length - length < len) {
                pending = Arrays.copyOf(pending, Math.max(length + len, Math.min(FOUR_RECORDS, 2 * pending.length)));
            }
            System.arraycopy(b, off, pending, length, len);
            length += len;
        }

        @Override
        public void flush() throws IOException {
            // The TLS layer flushes after every record; a batch sends when it ends, and the socket has no buffer.
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    // ---------------------------------------------------------------- everything else is the TCP socket's

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        throw new SocketException("already bound");
    }

    @Override
    public InetAddress getInetAddress() {
        return tcp.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return tcp.getLocalAddress();
    }

    @Override
    public int getPort() {
        return tcp.getPort();
    }

    @Override
    public int getLocalPort() {
        return tcp.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return tcp.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return tcp.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return tcp.getChannel();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        tcp.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return tcp.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        tcp.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return tcp.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        tcp.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        tcp.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return tcp.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        tcp.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return tcp.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        tcp.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return tcp.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        tcp.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return tcp.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        tcp.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return tcp.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        tcp.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return tcp.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        tcp.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return tcp.getReuseAddress();
    }

    @Override
    public void close() throws IOException {
        tcp.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        tcp.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tcp.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return tcp.isConnected();
    }

    @Override
    public boolean isBound() {
        return tcp.isBound();
    }

    @Override
    public boolean isClosed() {
        return tcp.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return tcp.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return tcp.isOutputShutdown();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        tcp.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        tcp.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return tcp.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return tcp.supportedOptions();
    }

    @Override
    public String toString() {
        return "RecordSocket[" + tcp + "]";
    }
}
