package io.ambient4j.conformance.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DnsTest {
    private final DnsRecords zone = DnsRecords.of(List.of(
            new ServiceView("echo", "server", "10.96.0.12", List.of()),
            new ServiceView(
                    "echo",
                    "headless",
                    "None",
                    List.of(new ServiceView.PortView(
                            "tcp",
                            "TCP",
                            9090,
                            List.of(
                                    new ServiceView.Endpoint("10.244.1.10", 9090),
                                    new ServiceView.Endpoint("10.244.2.11", 9090)))))));

    @Test
    void serviceNamesResolveToTheVipAndHeadlessToEndpoints() {
        assertThat(zone.lookup("server.echo.svc.cluster.local")).contains(List.of("10.96.0.12"));
        assertThat(zone.lookup("server.echo.svc.cluster.local.")).contains(List.of("10.96.0.12"));
        assertThat(zone.lookup("headless.echo.svc.cluster.local")).contains(List.of("10.244.1.10", "10.244.2.11"));
        assertThat(zone.lookup("10-244-1-10.echo.pod.cluster.local")).contains(List.of("10.244.1.10"));
        assertThat(zone.lookup("server.other.svc.cluster.local")).isEmpty();
        assertThat(zone.lookup("example.com")).isEmpty();
    }

    @Test
    void queryAndAnswerRoundTripOnBytes() {
        byte[] q = DnsMessage.query(4242, "Server.Echo.svc.cluster.local");
        DnsMessage.Query parsed = DnsMessage.parseQuery(q, q.length);
        assertThat(parsed.name()).isEqualTo("server.echo.svc.cluster.local");
        assertThat(parsed.type()).isEqualTo(DnsMessage.TYPE_A);
        byte[] a = DnsServer.respond(q, q.length, zone);
        DnsMessage.Reply reply = DnsMessage.parseReply(a, a.length);
        assertThat(reply.id()).isEqualTo(4242);
        assertThat(reply.rcode()).isEqualTo(DnsMessage.RCODE_NOERROR);
        assertThat(reply.addresses()).containsExactly("10.96.0.12");
    }

    @Test
    void unknownNamesGetNxdomainAndGarbageGetsFormerr() {
        byte[] q = DnsMessage.query(7, "nope.echo.svc.cluster.local");
        byte[] a = DnsServer.respond(q, q.length, zone);
        DnsMessage.Reply reply = DnsMessage.parseReply(a, a.length);
        assertThat(reply.rcode()).isEqualTo(DnsMessage.RCODE_NXDOMAIN);
        assertThat(reply.addresses()).isEmpty();
        byte[] junk = {1, 2, 3};
        byte[] err = DnsServer.respond(junk, junk.length, zone);
        assertThat(err[3] & 0xf).isEqualTo(DnsMessage.RCODE_FORMERR);
    }
}
