package io.ambient4j.istiod.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.istiod.auth.AuthenticationException.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a TokenReview answer becomes a caller or a refusal (spec §4, Authentication). */
class TokenReviewVerdictTest {
    private static final List<String> AUD = List.of("istio-ca");
    private static final List<String> SA_GROUPS = List.of("system:serviceaccounts", "system:authenticated");

    @Test
    void S4_tokenReviewTable() {
        record Row(String name, TokenReviewVerdict.Status status, Reason refusal) {}
        List<Row> rows = List.of(
                new Row(
                        "error",
                        status(true, "boom", AUD, "system:serviceaccount:a:b", SA_GROUPS),
                        Reason.NOT_AUTHENTICATED),
                new Row("not authenticated", status(false, "", AUD, "", List.of()), Reason.NOT_AUTHENTICATED),
                new Row(
                        "other audience",
                        status(true, "", List.of("vault"), "system:serviceaccount:a:b", SA_GROUPS),
                        Reason.WRONG_AUDIENCE),
                new Row(
                        "a user",
                        status(true, "", AUD, "alice", List.of("system:authenticated")),
                        Reason.NOT_SERVICE_ACCOUNT),
                new Row(
                        "bad username",
                        status(true, "", AUD, "system:serviceaccount:a", SA_GROUPS),
                        Reason.NOT_SERVICE_ACCOUNT));
        for (Row r : rows) {
            assertThatThrownBy(() -> TokenReviewVerdict.interpret(r.status(), AUD))
                    .as(r.name())
                    .isInstanceOfSatisfying(
                            AuthenticationException.class,
                            e -> assertThat(e.reason()).isEqualTo(r.refusal()));
        }
    }

    @Test
    void S4_boundTokenYieldsNamespaceAccountAndPod() throws Exception {
        var s = new TokenReviewVerdict.Status(
                true,
                "",
                AUD,
                "system:serviceaccount:istio-system:ztunnel",
                SA_GROUPS,
                Map.of(
                        "authentication.kubernetes.io/pod-name", List.of("ztunnel-1"),
                        "authentication.kubernetes.io/pod-uid", List.of("uid-1")));
        assertThat(TokenReviewVerdict.interpret(s, AUD))
                .isEqualTo(new Caller("istio-system", "ztunnel", "ztunnel-1", "uid-1"));
    }

    @Test
    void S4_bearerExtraction() throws Exception {
        assertThat(BearerTokens.extract(List.of("Basic x", "Bearer abc"))).isEqualTo("abc");
        assertThatThrownBy(() -> BearerTokens.extract(List.of()))
                .isInstanceOfSatisfying(
                        AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MISSING_TOKEN));
        assertThatThrownBy(() -> BearerTokens.extract(List.of("Bearer ")))
                .isInstanceOfSatisfying(
                        AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_HEADER));
    }

    private static TokenReviewVerdict.Status status(
            boolean ok, String error, List<String> aud, String user, List<String> groups) {
        return new TokenReviewVerdict.Status(ok, error, aud, user, groups, Map.of());
    }
}
