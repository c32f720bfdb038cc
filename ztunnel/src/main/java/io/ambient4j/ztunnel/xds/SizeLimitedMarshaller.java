package io.ambient4j.ztunnel.xds;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses a response larger than the limit while parsing it ({@code RESOURCE_EXHAUSTED}, which ends the call), as
 * grpc-java's {@code maxInboundMessageSize} did: Helidon's client has no such limit of its own.
 */
final class SizeLimitedMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    private final MethodDescriptor.Marshaller<T> delegate;
    private final long limit;

    SizeLimitedMarshaller(MethodDescriptor.Marshaller<T> delegate, long limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public InputStream stream(T value) {
        return delegate.stream(value);
    }

    @Override
    public T parse(InputStream in) {
        return delegate.parse(new Limited(in));
    }

    private final class Limited extends InputStream {
        private final InputStream in;
        private long count;

        Limited(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > limit) {
                throw Status.RESOURCE_EXHAUSTED
                        .withDescription("a message from istiod is larger than the limit of " + limit + " bytes")
                        .asRuntimeException();
            }
        }
    }
}
