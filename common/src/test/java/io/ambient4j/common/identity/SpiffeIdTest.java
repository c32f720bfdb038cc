package io.ambient4j.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.common.identity.InvalidIdentityException.Reason;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpiffeIdTest {

    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("spiffe://cluster.local/ns/default/sa/default", "cluster.local", "default", "default"),
                Arguments.of(
                        "spiffe://cluster.local/ns/istio-system/sa/ztunnel",
                        "cluster.local",
                        "istio-system",
                        "ztunnel"),
                Arguments.of("spiffe://clusterset.local/ns/default/sa/my-app", "clusterset.local", "default", "my-app"),
                Arguments.of("spiffe://td_1-x/ns/a.b/sa/A_Z-9", "td_1-x", "a.b", "A_Z-9"),
                Arguments.of("spiffe://x/ns/n/sa/s", "x", "n", "s"));
    }

    @ParameterizedTest
    @MethodSource("good")
    void parsesWellFormedIds(String uri, String td, String ns, String sa) {
        SpiffeId id = SpiffeId.parse(uri);
        assertThat(id).isEqualTo(new SpiffeId(td, ns, sa));
        assertThat(id.uri()).isEqualTo(uri);
        assertThat(id.toString()).isEqualTo(uri);
        assertThat(id.principal()).isEqualTo(uri.substring("spiffe://".length()));
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of(null, Reason.EMPTY),
                Arguments.of("", Reason.EMPTY),
                Arguments.of("cluster.local/ns/a/sa/b", Reason.WRONG_SCHEME),
                Arguments.of("SPIFFE://cluster.local/ns/a/sa/b", Reason.WRONG_SCHEME),
                Arguments.of("https://cluster.local/ns/a/sa/b", Reason.WRONG_SCHEME),
                Arguments.of("spiffe:/cluster.local/ns/a/sa/b", Reason.WRONG_SCHEME),
                Arguments.of("spiffe:///ns/a/sa/b", Reason.BAD_TRUST_DOMAIN),
                Arguments.of("spiffe://Cluster.local/ns/a/sa/b", Reason.BAD_TRUST_DOMAIN),
                Arguments.of("spiffe://user@cluster.local/ns/a/sa/b", Reason.BAD_TRUST_DOMAIN),
                Arguments.of("spiffe://cluster.local:8080/ns/a/sa/b", Reason.BAD_TRUST_DOMAIN),
                Arguments.of("spiffe://cluster.local", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/ns/a", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/ns/a/sa", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/ns/a/sa/b/", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/ns/a/sa/b/c", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/sa/b/ns/a", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/NS/a/SA/b", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local//ns/a/sa/b", Reason.BAD_PATH),
                Arguments.of("spiffe://cluster.local/ns//sa/b", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/a/sa/", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/../sa/b", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/./sa/b", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/a/sa/b?x=1", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/a/sa/b#frag", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/a b/sa/b", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/a%2f/sa/b", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/.*/sa/b", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/a/sa/b\n", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://cluster.local/ns/ä/sa/b", Reason.BAD_SEGMENT),
                Arguments.of("spiffe://" + "a".repeat(256) + "/ns/a/sa/b", Reason.TOO_LONG),
                Arguments.of("spiffe://cluster.local/ns/a/sa/" + "b".repeat(2048), Reason.TOO_LONG));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void rejectsEverythingElseWithAStableReason(String uri, Reason reason) {
        assertThatThrownBy(() -> SpiffeId.parse(uri))
                .isInstanceOfSatisfying(
                        InvalidIdentityException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageNotContaining("\n");
    }

    @Test
    void ofAppliesIstioDefaultsForEmptyTrustDomainAndServiceAccount() {
        assertThat(SpiffeId.of("", "ns1", "").uri()).isEqualTo("spiffe://cluster.local/ns/ns1/sa/default");
        assertThat(SpiffeId.of(null, "ns1", null)).isEqualTo(new SpiffeId("cluster.local", "ns1", "default"));
        assertThat(SpiffeId.of("example.org", "ns1", "app").uri()).isEqualTo("spiffe://example.org/ns/ns1/sa/app");
    }

    @Test
    void ofValidatesLikeParse() {
        assertThatThrownBy(() -> SpiffeId.of("", "", "sa"))
                .isInstanceOfSatisfying(
                        InvalidIdentityException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SEGMENT));
        assertThatThrownBy(() -> SpiffeId.of("", "a/b", "sa"))
                .isInstanceOfSatisfying(
                        InvalidIdentityException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SEGMENT))
                .hasMessageContaining("'/'");
        assertThatThrownBy(() -> SpiffeId.of("Upper", "ns", "sa"))
                .isInstanceOfSatisfying(
                        InvalidIdentityException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_TRUST_DOMAIN));
    }

    @Test
    void messagesQuoteTheInput() {
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://cluster.local/ns/a/xx/b"))
                .hasMessageContaining("\"spiffe://cluster.local/ns/a/xx/b\"")
                .hasMessageContaining("spiffe://<td>/ns/<namespace>/sa/<sa>");
    }
}
