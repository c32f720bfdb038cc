package io.ambient4j.ztunnel.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One DNS message (RFC 1035 §4.1) as immutable values: the header's id and flag word, then the four sections.
 * {@link DnsCodec} turns bytes into this and back; nothing here does I/O.
 *
 * @param flags the second header word: QR, opcode, AA, TC, RD, RA, Z and RCODE bits
 */
public record DnsMessage(
        int id,
        int flags,
        List<Question> questions,
        List<ResourceRecord> answers,
        List<ResourceRecord> authorities,
        List<ResourceRecord> additionals) {

    public static final int TYPE_A = 1;
    public static final int TYPE_NS = 2;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_OPT = 41;
    public static final int CLASS_IN = 1;

    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_SERVFAIL = 2;
    public static final int RCODE_NXDOMAIN = 3;
    public static final int RCODE_NOTIMP = 4;

    public static final int OPCODE_QUERY = 0;

    static final int FLAG_QR = 0x8000;
    static final int FLAG_AA = 0x0400;
    static final int FLAG_TC = 0x0200;
    static final int FLAG_RD = 0x0100;
    static final int FLAG_RA = 0x0080;

    /** The smallest UDP payload every resolver accepts (RFC 1035 §2.3.4). */
    public static final int MIN_UDP_PAYLOAD = 512;

    private static final Map<Integer, String> TYPE_NAMES = Map.ofEntries(
            Map.entry(1, "A"),
            Map.entry(2, "NS"),
            Map.entry(5, "CNAME"),
            Map.entry(6, "SOA"),
            Map.entry(12, "PTR"),
            Map.entry(15, "MX"),
            Map.entry(16, "TXT"),
            Map.entry(28, "AAAA"),
            Map.entry(33, "SRV"),
            Map.entry(41, "OPT"),
            Map.entry(64, "SVCB"),
            Map.entry(65, "HTTPS"),
            Map.entry(255, "ANY"),
            Map.entry(257, "CAA"));

    public DnsMessage {
        if (id < 0 || id > 0xFFFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("id and flags are 16-bit values");
        }
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    /** The mnemonic of a record type ({@code A}, {@code AAAA}, …), or {@code TYPE<n>} (RFC 3597). */
    public static String typeName(int type) {
        String n = TYPE_NAMES.get(type);
        return n != null ? n : "TYPE" + type;
    }

    /** The type mnemonic in lower case, as upstream's {@code request_query_type} label writes it. */
    public static String typeLabel(int type) {
        return typeName(type).toLowerCase(Locale.ROOT);
    }

    public boolean isResponse() {
        return (flags & FLAG_QR) != 0;
    }

    public int opcode() {
        return (flags >> 11) & 0xF;
    }

    public boolean authoritative() {
        return (flags & FLAG_AA) != 0;
    }

    public boolean truncated() {
        return (flags & FLAG_TC) != 0;
    }

    public boolean recursionDesired() {
        return (flags & FLAG_RD) != 0;
    }

    public int rcode() {
        return flags & 0xF;
    }

    /** The sender's EDNS UDP payload size (RFC 6891 §6.2.3), if it sent an OPT record. */
    public java.util.OptionalInt ednsPayloadSize() {
        return additionals.stream()
                .filter(r -> r.type() == TYPE_OPT)
                .mapToInt(ResourceRecord::rclass)
                .findFirst();
    }

    /** One entry of the question section. */
    public record Question(DnsName name, int type, int qclass) {}

    /** One resource record; {@code ttl} is the unsigned 32-bit TTL in seconds. */
    public record ResourceRecord(DnsName name, int type, int rclass, long ttl, Rdata data) {
        public static ResourceRecord a(DnsName name, long ttl, Inet4Address ip) {
            return new ResourceRecord(name, TYPE_A, CLASS_IN, ttl, new Rdata.Address(ip));
        }

        public static ResourceRecord aaaa(DnsName name, long ttl, Inet6Address ip) {
            return new ResourceRecord(name, TYPE_AAAA, CLASS_IN, ttl, new Rdata.Address(ip));
        }

        public static ResourceRecord cname(DnsName name, long ttl, DnsName target) {
            return new ResourceRecord(name, TYPE_CNAME, CLASS_IN, ttl, new Rdata.Name(target));
        }
    }

    /** Record data: an address, a name (written with compression), or opaque bytes. */
    public sealed interface Rdata {
        /**
         * The address of an A (an {@link Inet4Address}) or AAAA record (an {@link Inet6Address}, kept as one even when it
         * is IPv4-mapped, so it is written back as 16 bytes).
         */
        record Address(InetAddress ip) implements Rdata {
            /** The 4 or 16 bytes of the record data. */
            public static Address of(byte[] bytes) {
                try {
                    return new Address(
                            bytes.length == 16
                                    ? Inet6Address.getByAddress(null, bytes, -1)
                                    : InetAddress.getByAddress(bytes));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("address of " + bytes.length + " bytes", e);
                }
            }

            /** The record data as written on the wire. */
            public byte[] bytes() {
                return ip.getAddress();
            }

            @Override
            public String toString() {
                return ip.getHostAddress();
            }
        }

        /** The target of a CNAME. */
        record Name(DnsName target) implements Rdata {}

        /** Any other type, kept as the bytes that came off the wire. */
        record Opaque(byte[] bytes) implements Rdata {
            public Opaque {
                bytes = bytes.clone();
            }

            @Override
            public byte[] bytes() {
                return bytes.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Opaque a && Arrays.equals(bytes, a.bytes);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(bytes);
            }

            @Override
            public String toString() {
                return "Opaque[" + bytes.length + " bytes]";
            }
        }
    }
}
