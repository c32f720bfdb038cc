package io.ambient4j.ztunnel.dns;

import io.ambient4j.ztunnel.dns.DnsMessage.ResourceRecord;
import java.util.List;

/** What to do with one question: answer it from xDS state (authoritatively, maybe with no records) or forward it. */
public sealed interface DnsDecision {
    /** The host is known to the mesh: these records (possibly none, which is NOERROR and not NXDOMAIN). */
    record Answer(List<ResourceRecord> records) implements DnsDecision {
        public Answer {
            records = List.copyOf(records);
        }
    }

    /** Not ours: the upstream resolvers decide, NXDOMAIN included. */
    record Forward(String why) implements DnsDecision {}
}
