package io.ambient4j.ztunnel.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.ztunnel.dns.DnsMessage.Question;
import io.ambient4j.ztunnel.dns.DnsMessage.ResourceRecord;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 1035 §4.1 wire format against messages written out by hand. */
class DnsCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** A query for www.example.com A, id 0x1234, RD set. */
    private static final String QUERY = "1234" // id
            + "0100" // flags: RD
            + "0001" + "0000" + "0000" + "0000" // QD=1
            + "03777777" + "076578616d706c65" + "03636f6d" + "00" // www.example.com.
            + "0001" + "0001"; // A IN

    /** Its answer: QR RD RA AA, one A 93.184.216.34 TTL 30, owner compressed to offset 12. */
    private static final String ANSWER = "1234"
            + "8580" // QR AA RD RA, NOERROR
            + "0001" + "0001" + "0000" + "0000"
            + "03777777" + "076578616d706c65" + "03636f6d" + "00" + "0001" + "0001"
            + "c00c" + "0001" + "0001" + "0000001e" + "0004" + "5db8d822";

    @Test
    void decodesAHandWrittenQuery() throws Exception {
        DnsMessage m = DnsCodec.decode(HEX.parseHex(QUERY));
        assertThat(m.id()).isEqualTo(0x1234);
        assertThat(m.isResponse()).isFalse();
        assertThat(m.recursionDesired()).isTrue();
        assertThat(m.opcode()).isZero();
        assertThat(m.questions())
                .containsExactly(new Question(DnsName.of("www.example.com"), DnsMessage.TYPE_A, DnsMessage.CLASS_IN));
    }

    @Test
    void encodesTheAnswerByteForByte() throws Exception {
        DnsMessage query = DnsCodec.decode(HEX.parseHex(QUERY));
        DnsMessage answer = new DnsMessage(
                0x1234,
                DnsHandler.replyFlags(query.flags(), DnsMessage.RCODE_NOERROR, true),
                query.questions(),
                List.of(ResourceRecord.a(
                        DnsName.of("www.example.com"), 30, (Inet4Address) InetAddress.getByName("93.184.216.34"))),
                List.of(),
                List.of());
        assertThat(HEX.formatHex(DnsCodec.encode(answer))).isEqualTo(ANSWER);
        assertThat(DnsCodec.decode(HEX.parseHex(ANSWER))).isEqualTo(answer);
    }

    @Test
    void cnameTargetsAreCompressedAndDecompressed() throws Exception {
        DnsName q = DnsName.of("a.ns1.svc.cluster.local");
        DnsMessage m = new DnsMessage(
                7,
                0x8180,
                List.of(new Question(q, DnsMessage.TYPE_A, DnsMessage.CLASS_IN)),
                List.of(
                        ResourceRecord.cname(q, 30, DnsName.of("b.ns1.svc.cluster.local")),
                        ResourceRecord.a(DnsName.of("b.ns1.svc.cluster.local"), 30, (Inet4Address)
                                InetAddress.getByName("10.0.0.1"))),
                List.of(),
                List.of());
        byte[] wire = DnsCodec.encode(m);
        // CNAME rdata "b" + pointer to "ns1.svc.cluster.local" (offset 14) = 1+1+2 bytes.
        String hex = HEX.formatHex(wire);
        assertThat(hex).contains("0005" + "0001" + "0000001e" + "0004" + "0162" + "c00e");
        assertThat(DnsCodec.decode(wire)).isEqualTo(m);
    }

    @Test
    void anIpv4MappedAaaaRecordStaysSixteenBytes() throws Exception {
        DnsName q = DnsName.of("mapped.ns1.svc.cluster.local");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        DnsMessage m = new DnsMessage(
                8,
                0x8180,
                List.of(new Question(q, DnsMessage.TYPE_AAAA, DnsMessage.CLASS_IN)),
                List.of(ResourceRecord.aaaa(q, 30, Inet6Address.getByAddress(null, mapped, -1))),
                List.of(),
                List.of());
        byte[] wire = DnsCodec.encode(m);
        assertThat(HEX.formatHex(wire)).endsWith("0010" + HEX.formatHex(mapped));
        DnsMessage back = DnsCodec.decode(wire);
        assertThat(back).isEqualTo(m);
        assertThat(HEX.formatHex(DnsCodec.encode(back))).isEqualTo(HEX.formatHex(wire));
    }

    @Test
    void tcpUsesATwoByteLengthPrefix() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        TcpFraming.write(java.nio.channels.Channels.newChannel(out), HEX.parseHex(QUERY));
        byte[] framed = out.toByteArray();
        assertThat(HEX.formatHex(framed, 0, 2)).isEqualTo("0021");
        byte[] back = TcpFraming.read(java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(framed)));
        assertThat(HEX.formatHex(back)).isEqualTo(QUERY);
        assertThat(TcpFraming.read(
                        java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(new byte[0]))))
                .isNull();
    }

    @Test
    void truncatesToTheLimitAndSetsTc() throws Exception {
        DnsMessage query = DnsCodec.decode(HEX.parseHex(QUERY));
        List<ResourceRecord> many = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(ResourceRecord.a(DnsName.of("www.example.com"), 30, (Inet4Address)
                    InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i})));
        }
        DnsMessage big = new DnsMessage(1, 0x8180, query.questions(), many, List.of(), List.of());
        byte[] udp = DnsCodec.encode(big, 512);
        assertThat(udp.length).isLessThanOrEqualTo(512);
        DnsMessage back = DnsCodec.decode(udp);
        assertThat(back.truncated()).isTrue();
        // 33 header+question bytes, 16 bytes per compressed A record.
        assertThat(back.answers()).hasSize((512 - 33) / 16);
        assertThat(DnsCodec.decode(DnsCodec.encode(big, 65535)).truncated()).isFalse();
    }

    @Test
    void malformedInputHasStableReasons() {
        assertReason("", DnsFormatException.Reason.SHORT_HEADER);
        assertReason("1234010000010000", DnsFormatException.Reason.SHORT_HEADER);
        // One question announced, none present.
        assertReason("123401000001000000000000", DnsFormatException.Reason.TRUNCATED);
        // A pointer to itself.
        assertReason("123401000001000000000000" + "c00c00010001", DnsFormatException.Reason.BAD_POINTER);
        // Label type 0x40 (extended label, obsolete).
        assertReason("123401000001000000000000" + "4100" + "00010001", DnsFormatException.Reason.BAD_LABEL);
        // An A record with 3 bytes of data.
        assertReason(
                "123481800000000100000000" + "00" + "0001" + "0001" + "0000001e" + "0003" + "010203",
                DnsFormatException.Reason.BAD_RDATA);
        // A name of 5 labels of 63 bytes: more than 255 bytes.
        String label = "3f" + "61".repeat(63);
        assertReason(
                "123401000001000000000000" + label.repeat(5) + "00" + "00010001",
                DnsFormatException.Reason.NAME_TOO_LONG);
    }

    private static void assertReason(String hex, DnsFormatException.Reason reason) {
        assertThatThrownBy(() -> DnsCodec.decode(HEX.parseHex(hex)))
                .isInstanceOfSatisfying(
                        DnsFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
