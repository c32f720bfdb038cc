package io.ambient4j.conformance.services;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The small part of DNS (RFC 1035) the harness's cluster DNS needs: parse a one-question query, build an
 * answer with A records; and the client side (build a query, read A records) for checks run from pods.
 * Pure byte functions.
 */
public final class DnsMessage {
    public static final int TYPE_A = 1;
    public static final int CLASS_IN = 1;
    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_NXDOMAIN = 3;

    private DnsMessage() {}

    /** A parsed query: id, flags, the question name (lower case, no trailing dot), type and class. */
    public record Query(int id, int flags, String name, int type, int qclass, int questionEnd) {}

    /** Parses a query; throws IllegalArgumentException on malformed input. */
    public static Query parseQuery(byte[] packet, int length) {
        ByteBuffer b = ByteBuffer.wrap(packet, 0, length);
        if (length < 12) {
            throw new IllegalArgumentException("short DNS header");
        }
        int id = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        int qd = b.getShort() & 0xffff;
        b.position(12);
        if (qd != 1) {
            throw new IllegalArgumentException("expected one question, got " + qd);
        }
        String name = readName(b);
        if (b.remaining() < 4) {
            throw new IllegalArgumentException("truncated question");
        }
        int type = b.getShort() & 0xffff;
        int qclass = b.getShort() & 0xffff;
        return new Query(id, flags, name, type, qclass, b.position());
    }

    private static String readName(ByteBuffer b) {
        StringBuilder name = new StringBuilder();
        while (true) {
            if (!b.hasRemaining()) {
                throw new IllegalArgumentException("truncated name");
            }
            int len = b.get() & 0xff;
            if (len == 0) {
                break;
            }
            if (len > 63 || b.remaining() < len) {
                throw new IllegalArgumentException("bad label length " + len);
            }
            byte[] label = new byte[len];
            b.get(label);
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append(new String(label, StandardCharsets.US_ASCII));
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    /** The answer to {@code query} with A records {@code ips} (empty + NXDOMAIN when unknown). */
    public static byte[] answer(byte[] packet, Query query, int rcode, List<String> ips) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        short16(out, query.id());
        int rd = query.flags() & 0x0100;
        int opcode = query.flags() & 0x7800;
        short16(out, 0x8000 | opcode | 0x0400 | rd | 0x0080 | (rcode & 0xf));
        short16(out, 1);
        short16(out, ips.size());
        short16(out, 0);
        short16(out, 0);
        out.write(packet, 12, query.questionEnd() - 12);
        for (String ip : ips) {
            short16(out, 0xc00c);
            short16(out, TYPE_A);
            short16(out, CLASS_IN);
            short16(out, 0);
            short16(out, 5);
            short16(out, 4);
            for (String part : ip.split("\\.")) {
                out.write(Integer.parseInt(part));
            }
        }
        return out.toByteArray();
    }

    /** A header-only error reply for an unparsable packet. */
    public static byte[] formatError(byte[] packet, int length) {
        int id = length >= 2 ? ((packet[0] & 0xff) << 8) | (packet[1] & 0xff) : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        short16(out, id);
        short16(out, 0x8000 | RCODE_FORMERR);
        for (int i = 0; i < 4; i++) {
            short16(out, 0);
        }
        return out.toByteArray();
    }

    /** A recursive A query for {@code name}. */
    public static byte[] query(int id, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        short16(out, id);
        short16(out, 0x0100);
        short16(out, 1);
        short16(out, 0);
        short16(out, 0);
        short16(out, 0);
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            out.write(l.length);
            out.write(l, 0, l.length);
        }
        out.write(0);
        short16(out, TYPE_A);
        short16(out, CLASS_IN);
        return out.toByteArray();
    }

    /** A reply's rcode and A records. */
    public record Reply(int id, int rcode, List<String> addresses) {}

    /** Reads a reply (A records only; other records are skipped). */
    public static Reply parseReply(byte[] packet, int length) {
        ByteBuffer b = ByteBuffer.wrap(packet, 0, length);
        int id = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        int qd = b.getShort() & 0xffff;
        int an = b.getShort() & 0xffff;
        b.position(12);
        for (int i = 0; i < qd; i++) {
            skipName(b);
            b.position(b.position() + 4);
        }
        java.util.ArrayList<String> ips = new java.util.ArrayList<>();
        for (int i = 0; i < an; i++) {
            skipName(b);
            int type = b.getShort() & 0xffff;
            b.getShort();
            b.getInt();
            int rdlen = b.getShort() & 0xffff;
            if (type == TYPE_A && rdlen == 4) {
                ips.add((b.get() & 0xff) + "." + (b.get() & 0xff) + "." + (b.get() & 0xff) + "." + (b.get() & 0xff));
            } else {
                b.position(b.position() + rdlen);
            }
        }
        return new Reply(id, flags & 0xf, List.copyOf(ips));
    }

    private static void skipName(ByteBuffer b) {
        while (true) {
            int len = b.get() & 0xff;
            if (len == 0) {
                return;
            }
            if ((len & 0xc0) == 0xc0) {
                b.get();
                return;
            }
            b.position(b.position() + len);
        }
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
    }
}
