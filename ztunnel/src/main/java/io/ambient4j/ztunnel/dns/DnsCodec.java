package io.ambient4j.ztunnel.dns;

import io.ambient4j.ztunnel.dns.DnsFormatException.Reason;
import io.ambient4j.ztunnel.dns.DnsMessage.Question;
import io.ambient4j.ztunnel.dns.DnsMessage.Rdata;
import io.ambient4j.ztunnel.dns.DnsMessage.ResourceRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 1035 wire format, both ways, on byte arrays (no sockets). Decoding follows compression pointers only
 * backwards, so a hostile message cannot loop; encoding compresses every name against earlier ones. Opaque record
 * data (types other than A, AAAA, CNAME) is kept as it came: fine for OPT, which is all we echo.
 */
public final class DnsCodec {
    /** The fixed header length. */
    public static final int HEADER_LENGTH = 12;

    private DnsCodec() {}

    /** The id and flag word of a message whose header is readable (for FORMERR replies to a bad body). */
    public record Header(int id, int flags) {}

    /** Reads only the header. */
    public static Header header(byte[] bytes) throws DnsFormatException {
        if (bytes.length < HEADER_LENGTH) {
            throw new DnsFormatException(Reason.SHORT_HEADER, bytes.length + " bytes");
        }
        return new Header(u16(bytes, 0), u16(bytes, 2));
    }

    /** Decodes a whole message; trailing bytes after the last section are ignored. */
    public static DnsMessage decode(byte[] bytes) throws DnsFormatException {
        Header h = header(bytes);
        Reader r = new Reader(bytes, HEADER_LENGTH);
        int qd = u16(bytes, 4);
        int an = u16(bytes, 6);
        int ns = u16(bytes, 8);
        int ar = u16(bytes, 10);
        List<Question> questions = new ArrayList<>();
        for (int i = 0; i < qd; i++) {
            DnsName name = r.name();
            questions.add(new Question(name, r.u16(), r.u16()));
        }
        List<ResourceRecord> answers = r.records(an);
        List<ResourceRecord> authorities = r.records(ns);
        List<ResourceRecord> additionals = r.records(ar);
        return new DnsMessage(h.id(), h.flags(), questions, answers, authorities, additionals);
    }

    /** Encodes a message in full. */
    public static byte[] encode(DnsMessage m) {
        return encode(m, Integer.MAX_VALUE);
    }

    /**
     * Encodes a message in at most {@code limit} bytes: when the whole does not fit, answers, then authorities and
     * additionals (except OPT) are left off and TC is set (RFC 2181 §9), as a UDP reply must.
     */
    public static byte[] encode(DnsMessage m, int limit) {
        byte[] full = write(m);
        if (full.length <= limit) {
            return full;
        }
        List<ResourceRecord> opt = m.additionals().stream()
                .filter(x -> x.type() == DnsMessage.TYPE_OPT)
                .toList();
        List<ResourceRecord> answers = new ArrayList<>(m.answers());
        int flags = m.flags() | DnsMessage.FLAG_TC;
        while (true) {
            byte[] b = write(new DnsMessage(m.id(), flags, m.questions(), answers, List.of(), opt));
            if (b.length <= limit || (answers.isEmpty())) {
                return b;
            }
            answers.removeLast();
        }
    }

    private static byte[] write(DnsMessage m) {
        Writer w = new Writer();
        w.u16(m.id());
        w.u16(m.flags());
        w.u16(m.questions().size());
        w.u16(m.answers().size());
        w.u16(m.authorities().size());
        w.u16(m.additionals().size());
        for (Question q : m.questions()) {
            w.name(q.name());
            w.u16(q.type());
            w.u16(q.qclass());
        }
        for (List<ResourceRecord> section : List.of(m.answers(), m.authorities(), m.additionals())) {
            for (ResourceRecord rr : section) {
                w.record(rr);
            }
        }
        return w.out.toByteArray();
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /** Reads sections after the header. */
    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        private void need(int n, String what) throws DnsFormatException {
            if (pos + n > b.length) {
                throw new DnsFormatException(Reason.TRUNCATED, what + " at offset " + pos);
            }
        }

        int u16() throws DnsFormatException {
            need(2, "16-bit field");
            int v = DnsCodec.u16(b, pos);
            pos += 2;
            return v;
        }

        long u32() throws DnsFormatException {
            need(4, "32-bit field");
            long v = ((long) DnsCodec.u16(b, pos) << 16) | DnsCodec.u16(b, pos + 2);
            pos += 4;
            return v;
        }

        /** A name at the current position; the position moves past it (past the first pointer, if any). */
        DnsName name() throws DnsFormatException {
            int[] end = new int[] {-1};
            DnsName n = nameAt(pos, end);
            pos = end[0];
            return n;
        }

        private DnsName nameAt(int start, int[] endOut) throws DnsFormatException {
            List<String> labels = new ArrayList<>();
            int p = start;
            int wire = 1;
            // Every pointer must point before the label that holds it, so each jump strictly decreases p: no loops.
            int limit = start;
            while (true) {
                if (p >= b.length) {
                    throw new DnsFormatException(Reason.TRUNCATED, "name at offset " + start);
                }
                int len = b[p] & 0xFF;
                if (len == 0) {
                    if (endOut[0] < 0) {
                        endOut[0] = p + 1;
                    }
                    break;
                }
                int kind = len & 0xC0;
                if (kind == 0xC0) {
                    if (p + 1 >= b.length) {
                        throw new DnsFormatException(Reason.TRUNCATED, "pointer at offset " + p);
                    }
                    int target = ((len & 0x3F) << 8) | (b[p + 1] & 0xFF);
                    if (endOut[0] < 0) {
                        endOut[0] = p + 2;
                    }
                    if (target >= limit || target < HEADER_LENGTH) {
                        throw new DnsFormatException(
                                Reason.BAD_POINTER, "pointer at offset " + p + " to " + target + " is not backwards");
                    }
                    limit = target;
                    p = target;
                    continue;
                }
                if (kind != 0) {
                    throw new DnsFormatException(
                            Reason.BAD_LABEL, "label type 0x" + Integer.toHexString(kind) + " at offset " + p);
                }
                if (p + 1 + len > b.length) {
                    throw new DnsFormatException(Reason.TRUNCATED, "label at offset " + p);
                }
                wire += 1 + len;
                if (wire > DnsName.MAX_WIRE_LENGTH) {
                    throw new DnsFormatException(Reason.NAME_TOO_LONG, "name at offset " + start);
                }
                labels.add(new String(b, p + 1, len, StandardCharsets.ISO_8859_1));
                p += 1 + len;
            }
            return new DnsName(labels);
        }

        List<ResourceRecord> records(int count) throws DnsFormatException {
            List<ResourceRecord> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                DnsName name = name();
                int type = u16();
                int rclass = u16();
                long ttl = u32();
                int rdlength = u16();
                need(rdlength, "record data");
                int start = pos;
                Rdata data = switch (type) {
                    case DnsMessage.TYPE_A -> address(type, rdlength, 4);
                    case DnsMessage.TYPE_AAAA -> address(type, rdlength, 16);
                    case DnsMessage.TYPE_CNAME -> {
                        DnsName target = name();
                        if (pos != start + rdlength) {
                            throw new DnsFormatException(
                                    Reason.BAD_RDATA, "CNAME data length " + rdlength + " at offset " + start);
                        }
                        yield new Rdata.Name(target);
                    }
                    default -> new Rdata.Opaque(java.util.Arrays.copyOfRange(b, pos, pos + rdlength));
                };
                pos = start + rdlength;
                out.add(new ResourceRecord(name, type, rclass, ttl, data));
            }
            return out;
        }

        private Rdata address(int type, int rdlength, int expected) throws DnsFormatException {
            if (rdlength != expected) {
                throw new DnsFormatException(
                        Reason.BAD_RDATA, DnsMessage.typeName(type) + " record with " + rdlength + " bytes");
            }
            return Rdata.Address.of(java.util.Arrays.copyOfRange(b, pos, pos + rdlength));
        }
    }

    /** Writes a message, compressing names against the suffixes already written. */
    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private final Map<String, Integer> suffixes = new HashMap<>();

        void u16(int v) {
            out.write(v >> 8);
            out.write(v);
        }

        void u32(long v) {
            u16((int) (v >>> 16) & 0xFFFF);
            u16((int) v & 0xFFFF);
        }

        void name(DnsName n) {
            List<String> labels = n.labels();
            for (int i = 0; i < labels.size(); i++) {
                String key = String.join(".", labels.subList(i, labels.size())).toLowerCase(Locale.ROOT);
                Integer at = suffixes.get(key);
                if (at != null) {
                    u16(0xC000 | at);
                    return;
                }
                if (out.size() < 0x4000) {
                    suffixes.put(key, out.size());
                }
                byte[] label = labels.get(i).getBytes(StandardCharsets.ISO_8859_1);
                out.write(label.length);
                out.writeBytes(label);
            }
            out.write(0);
        }

        void record(ResourceRecord rr) {
            name(rr.name());
            u16(rr.type());
            u16(rr.rclass());
            u32(rr.ttl());
            switch (rr.data()) {
                case Rdata.Address a -> {
                    byte[] bytes = a.bytes();
                    u16(bytes.length);
                    out.writeBytes(bytes);
                }
                case Rdata.Opaque o -> {
                    byte[] bytes = o.bytes();
                    u16(bytes.length);
                    out.writeBytes(bytes);
                }
                case Rdata.Name nm -> {
                    // Length first, then patch it once the (possibly compressed) name is written.
                    byte[] sofar = out.toByteArray();
                    int lengthAt = sofar.length;
                    u16(0);
                    name(nm.target());
                    byte[] all = out.toByteArray();
                    int len = all.length - lengthAt - 2;
                    all[lengthAt] = (byte) (len >> 8);
                    all[lengthAt + 1] = (byte) len;
                    out.reset();
                    out.writeBytes(all);
                }
            }
        }
    }
}
