package io.ambient4j.ztunnel.dns;

import io.ambient4j.ztunnel.dns.DnsMessage.Question;
import io.ambient4j.ztunnel.dns.DnsMessage.ResourceRecord;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.state.ProxyState;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One pod's query handling, bytes in and bytes out, independent of sockets: decode, decide
 * ({@link DnsLookup}), answer or forward, encode within the transport's size limit, count. A message whose header
 * cannot be read (or that is itself a response) is dropped; any other undecodable message gets FORMERR; nothing a
 * client sends escapes as an exception.
 */
public final class DnsHandler {
    private static final System.Logger LOG = System.getLogger(DnsHandler.class.getName());
    /** Largest UDP reply we build, whatever the client's EDNS size says (RFC 6891 §6.2.5 advice). */
    static final int MAX_UDP_REPLY = 4096;

    static final int MAX_TCP_REPLY = 0xFFFF;

    /** The transport a query came over. */
    public enum Transport {
        UDP,
        TCP;

        String label() {
            return this == UDP ? "udp" : "tcp";
        }
    }

    private final Supplier<ProxyState> state;
    private final Supplier<DnsClient> client;
    private final DnsSettings settings;
    private final DnsForwarder forwarder;
    private final DnsMetrics metrics;
    private final RandomGenerator random;

    public DnsHandler(
            Supplier<ProxyState> state,
            Supplier<DnsClient> client,
            DnsSettings settings,
            DnsForwarder forwarder,
            DnsMetrics metrics,
            RandomGenerator random) {
        this.state = state;
        this.client = client;
        this.settings = settings;
        this.forwarder = forwarder;
        this.metrics = metrics;
        this.random = random;
    }

    /** The reply to send, or empty when the message is dropped. */
    public Optional<byte[]> handle(byte[] raw, Transport transport) {
        DnsCodec.Header header;
        try {
            header = DnsCodec.header(raw);
        } catch (DnsFormatException e) {
            metrics.malformed();
            LOG.log(Level.DEBUG, "dropping DNS message: {0}", e.getMessage());
            return Optional.empty();
        }
        if ((header.flags() & DnsMessage.FLAG_QR) != 0) {
            metrics.malformed();
            LOG.log(Level.DEBUG, "dropping a DNS response sent to the proxy");
            return Optional.empty();
        }
        DnsMessage query;
        try {
            query = DnsCodec.decode(raw);
            if (query.questions().size() != 1) {
                throw new DnsFormatException(
                        DnsFormatException.Reason.QUESTION_COUNT,
                        query.questions().size() + " questions");
            }
        } catch (DnsFormatException e) {
            metrics.malformed();
            LOG.log(Level.DEBUG, "FORMERR for DNS query {0}: {1}", header.id(), e.getMessage());
            int flags = replyFlags(header.flags(), DnsMessage.RCODE_FORMERR, false);
            return Optional.of(
                    DnsCodec.encode(new DnsMessage(header.id(), flags, List.of(), List.of(), List.of(), List.of())));
        }
        int limit = transport == Transport.TCP ? MAX_TCP_REPLY : udpLimit(query);
        if (query.opcode() != DnsMessage.OPCODE_QUERY) {
            return Optional.of(reply(query, DnsMessage.RCODE_NOTIMP, false, List.of(), limit));
        }
        DnsClient who = client.get();
        Question q = query.questions().getFirst();
        DnsMetrics.Labels labels = new DnsMetrics.Labels(
                DnsMessage.typeLabel(q.type()), transport.label(), who.canonicalName(), who.canonicalRevision());
        metrics.request(labels);
        DnsDecision decision =
                DnsLookup.decide(state.get(), who, q, settings.clusterDomain(), settings.searchDomains(who), random);
        return Optional.of(
                switch (decision) {
                    case DnsDecision.Answer a -> {
                        LOG.log(
                                Level.DEBUG,
                                "DNS {0} {1}: {2} local records",
                                DnsMessage.typeName(q.type()),
                                q.name(),
                                a.records().size());
                        yield reply(query, DnsMessage.RCODE_NOERROR, true, a.records(), limit);
                    }
                    case DnsDecision.Forward f -> forward(raw, query, transport, labels, limit, f.why());
                });
    }

    private byte[] forward(
            byte[] raw, DnsMessage query, Transport transport, DnsMetrics.Labels labels, int limit, String why) {
        long start = System.nanoTime();
        try {
            byte[] response = forwarder.forward(raw, transport == Transport.TCP);
            metrics.forwarded(labels, Duration.ofNanos(System.nanoTime() - start), false);
            LOG.log(
                    Level.DEBUG,
                    "DNS {0} forwarded ({1})",
                    query.questions().getFirst().name(),
                    why);
            if (response.length <= limit) {
                return response;
            }
            // A full answer fetched over TCP that the client's UDP cannot carry: tell it to retry over TCP.
            int flags = (DnsCodec.u16(response, 2) | DnsMessage.FLAG_TC);
            return DnsCodec.encode(
                    new DnsMessage(query.id(), flags, query.questions(), List.of(), List.of(), List.of()));
        } catch (DnsForwardException e) {
            metrics.forwarded(labels, Duration.ofNanos(System.nanoTime() - start), true);
            LOG.log(
                    Level.DEBUG,
                    "DNS {0}: SERVFAIL, {1}",
                    query.questions().getFirst().name(),
                    e.getMessage());
            return reply(query, DnsMessage.RCODE_SERVFAIL, false, List.of(), limit);
        }
    }

    /** The client's EDNS size bounded to [512, 4096]; 512 without EDNS. */
    static int udpLimit(DnsMessage query) {
        return Math.clamp(
                query.ednsPayloadSize().orElse(DnsMessage.MIN_UDP_PAYLOAD), DnsMessage.MIN_UDP_PAYLOAD, MAX_UDP_REPLY);
    }

    private static byte[] reply(
            DnsMessage query, int rcode, boolean authoritative, List<ResourceRecord> answers, int limit) {
        List<ResourceRecord> additionals = query.ednsPayloadSize().isPresent()
                ? List.of(new ResourceRecord(
                        DnsName.ROOT, DnsMessage.TYPE_OPT, MAX_UDP_REPLY, 0, new DnsMessage.Rdata.Opaque(new byte[0])))
                : List.of();
        DnsMessage m = new DnsMessage(
                query.id(),
                replyFlags(query.flags(), rcode, authoritative),
                query.questions(),
                answers,
                List.of(),
                additionals);
        return DnsCodec.encode(m, limit);
    }

    /** QR, the query's opcode and RD, RA (we recurse by forwarding), AA when the mesh answers, and the rcode. */
    static int replyFlags(int queryFlags, int rcode, boolean authoritative) {
        int f = DnsMessage.FLAG_QR | (queryFlags & 0x7800) | (queryFlags & DnsMessage.FLAG_RD) | DnsMessage.FLAG_RA;
        if (authoritative) {
            f |= DnsMessage.FLAG_AA;
        }
        return f | (rcode & 0xF);
    }
}
