package io.ambient4j.api.security;

import static io.ambient4j.api.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.ambient4j.api.Hex;
import org.junit.jupiter.api.Test;

/** Wire bytes of istio.security.Authorization, derived by hand from the spec table (§3.3). */
class AuthorizationGoldenBytesTest {

    @Test
    void authorizationWithNestedRuleClauseMatch() throws Exception {
        Match match = Match.newBuilder()
                .addNamespaces(StringMatch.newBuilder().setPresence(Empty.getDefaultInstance()))
                .addPrincipals(StringMatch.newBuilder().setExact("td/ns/a/sa/b"))
                .addNotSourceIps(Address.newBuilder()
                        .setAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 0}))
                        .setLength(8))
                .addDestinationPorts(80)
                .addDestinationPorts(443)
                .addServiceAccounts(
                        ServiceAccountMatch.newBuilder().setNamespace("ns").setServiceAccount("sa"))
                .build();
        Authorization policy = Authorization.newBuilder()
                .setName("p")
                .setNamespace("ns")
                .setScope(Scope.WORKLOAD_SELECTOR)
                .setAction(Action.DENY)
                .addRules(Rule.newBuilder().addClauses(Clause.newBuilder().addMatches(match)))
                .setDryRun(true)
                .build();

        byte[] expected = bytes(
                // name (1, LEN) "p"; namespace (2, LEN) "ns"
                "0a 01 70",
                "12 02 6e 73",
                // scope (3, VARINT) 0x18 WORKLOAD_SELECTOR = 2; action (4, VARINT) 0x20 DENY = 1
                "18 02",
                "20 01",
                // rules (5, LEN) 0x2a, Rule of 49 bytes = 0x31
                "2a 31",
                // Rule.clauses (1, LEN) Clause of 47 = 0x2f
                "0a 2f",
                // Clause.matches (2, LEN; field 1 unused) Match of 45 = 0x2d
                "12 2d",
                // Match.namespaces (1, LEN) StringMatch of 2: presence (4, LEN) 0x22, empty Empty
                "0a 02 22 00",
                // Match.principals (3, LEN) StringMatch of 14: exact (1, LEN) length 12
                "1a 0e 0a 0c",
                Hex.ascii("td/ns/a/sa/b"),
                // Match.not_source_ips (6, LEN) 0x32, Address of 8: address (1) 10.0.0.0, length (2, VARINT) 8
                "32 08 0a 04 0a 00 00 00 10 08",
                // Match.destination_ports (9): packed (proto3) -> 9<<3|2 = 0x4a, 3 bytes: 80 = 0x50, 443 = bb 03
                "4a 03 50 bb 03",
                // Match.service_accounts (11, LEN): 11<<3|2 = 90 = 0x5a, 8 bytes: namespace (1) "ns",
                // serviceAccount (2) "sa"
                "5a 08 0a 02 6e 73 12 02 73 61",
                // dry_run (6, VARINT) 0x30, true
                "30 01");

        assertThat(Hex.format(policy.toByteArray())).isEqualTo(Hex.format(expected));
        assertThat(Authorization.parseFrom(expected)).isEqualTo(policy);
    }
}
