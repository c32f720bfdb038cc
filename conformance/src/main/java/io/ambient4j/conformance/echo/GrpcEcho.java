package io.ambient4j.conformance.echo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The one gRPC method the echo app serves, as upstream's test echo does: {@code /proto.EchoTestService/Echo} with
 * {@code EchoRequest{string message = 1}} in and {@code EchoResponse{string message = 1}} out, each in gRPC's
 * length-prefixed framing (1 byte "compressed" flag, 4 bytes big-endian length). The response message is the echo
 * report (the same {@code Key=value} lines as the HTTP body). Pure: encoding and decoding only.
 */
public final class GrpcEcho {
    /** The method path. */
    public static final String PATH = "/proto.EchoTestService/Echo";
    /** gRPC's content type. */
    public static final String CONTENT_TYPE = "application/grpc";
    /** grpc-status codes used here. */
    public static final int OK = 0;

    public static final int INVALID_ARGUMENT = 3;
    public static final int UNIMPLEMENTED = 12;

    private GrpcEcho() {}

    /** One gRPC frame holding a message whose field 1 is {@code text}. */
    public static byte[] frame(String text) {
        byte[] msg = message(text);
        byte[] out = new byte[5 + msg.length];
        out[0] = 0;
        out[1] = (byte) (msg.length >>> 24);
        out[2] = (byte) (msg.length >>> 16);
        out[3] = (byte) (msg.length >>> 8);
        out[4] = (byte) msg.length;
        System.arraycopy(msg, 0, out, 5, msg.length);
        return out;
    }

    /**
     * Field 1 (a string) of the message in the first gRPC frame of {@code body}; empty when the body is not one
     * whole uncompressed frame holding a well-formed message (unknown fields are skipped; a missing field 1 is "").
     */
    public static Optional<String> unframe(byte[] body) {
        if (body.length < 5 || body[0] != 0) {
            return Optional.empty();
        }
        long len = ((body[1] & 0xffL) << 24) | ((body[2] & 0xffL) << 16) | ((body[3] & 0xffL) << 8) | (body[4] & 0xffL);
        if (len != body.length - 5) {
            return Optional.empty();
        }
        return field1(body, 5, body.length);
    }

    private static byte[] message(String text) {
        byte[] s = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length + 6);
        out.write(0x0a); // field 1, wire type 2 (length-delimited)
        int n = s.length;
        while ((n & ~0x7f) != 0) {
            out.write((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        out.write(n);
        out.write(s, 0, s.length);
        return out.toByteArray();
    }

    private static Optional<String> field1(byte[] b, int from, int to) {
        String found = "";
        int i = from;
        while (i < to) {
            long[] key = varint(b, i, to);
            if (key == null) {
                return Optional.empty();
            }
            i = (int) key[1];
            int field = (int) (key[0] >>> 3);
            int wire = (int) (key[0] & 7);
            switch (wire) {
                case 0 -> {
                    long[] v = varint(b, i, to);
                    if (v == null) {
                        return Optional.empty();
                    }
                    i = (int) v[1];
                }
                case 1 -> i += 8;
                case 5 -> i += 4;
                case 2 -> {
                    long[] len = varint(b, i, to);
                    if (len == null || len[0] > to - len[1]) {
                        return Optional.empty();
                    }
                    int start = (int) len[1];
                    int end = start + (int) len[0];
                    if (field == 1) {
                        found = new String(b, start, end - start, StandardCharsets.UTF_8);
                    }
                    i = end;
                }
                default -> {
                    return Optional.empty();
                }
            }
            if (i > to) {
                return Optional.empty();
            }
        }
        return Optional.of(found);
    }

    /** {value, next index}, or null when the varint is cut short or longer than 10 bytes. */
    private static long[] varint(byte[] b, int i, int to) {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (i >= to) {
                return null;
            }
            byte x = b[i++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return new long[] {v, i};
            }
        }
        return null;
    }
}
