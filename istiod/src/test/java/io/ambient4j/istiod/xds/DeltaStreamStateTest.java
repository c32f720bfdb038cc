package io.ambient4j.istiod.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istiod.testing.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delta-xDS protocol rules on plain values (spec §3.1), without sockets. */
class DeltaStreamStateTest {
    private static final String A = TypeUrls.ADDRESS;

    private final Map<String, XdsResource> store = new HashMap<>();
    private DeltaStreamState state;

    @BeforeEach
    void setUp() {
        AtomicInteger n = new AtomicInteger();
        state = new DeltaStreamState(() -> "n" + n.incrementAndGet(), () -> "v");
        put("w1", "1");
        put("w2", "1");
    }

    private void put(String name, String version) {
        store.put(name, Resources.workload(name, name, "10.0.0." + (store.size() + 1), version));
    }

    private DeltaStreamState.Step request(
            List<String> sub, List<String> unsub, Map<String, String> initial, String nonce) {
        return state.onRequest(
                new DeltaRequest(A, sub, unsub, initial, nonce, Optional.empty()), t -> Map.copyOf(store));
    }

    private static List<String> names(DeltaResponse r) {
        return r.resources().stream().map(XdsResource::name).toList();
    }

    @Test
    void S3_1_requestClassification() {
        record Case(String name, Runnable before, DeltaRequest request, DeltaStreamState.Outcome expected) {}
        List<Case> cases = List.of(
                new Case("first request", () -> {}, req(List.of(), "", null), DeltaStreamState.Outcome.INITIAL),
                new Case("ack of last nonce", this::initial, req(List.of(), "n1", null), DeltaStreamState.Outcome.ACK),
                new Case(
                        "stale nonce",
                        this::initial,
                        req(List.of(), "old", null),
                        DeltaStreamState.Outcome.STALE_NONCE),
                new Case("nack", this::initial, req(List.of(), "n1", "bad"), DeltaStreamState.Outcome.NACK),
                new Case(
                        "new names",
                        this::initial,
                        req(List.of("x"), "", null),
                        DeltaStreamState.Outcome.SUBSCRIPTION_CHANGE));
        for (Case c : cases) {
            setUp();
            c.before().run();
            DeltaStreamState.Step step = state.onRequest(c.request(), t -> Map.copyOf(store));
            assertThat(step.outcome()).as(c.name()).isEqualTo(c.expected());
        }
    }

    private void initial() {
        request(List.of(), List.of(), Map.of(), "");
    }

    private static DeltaRequest req(List<String> sub, String nonce, String error) {
        return new DeltaRequest(A, sub, List.of(), Map.of(), nonce, Optional.ofNullable(error));
    }

    @Test
    void S3_1_wildcardInitialSendsAllAndAlwaysResponds() {
        DeltaResponse r = request(List.of(), List.of(), Map.of(), "").response().orElseThrow();
        assertThat(names(r)).containsExactly("w1", "w2");
        store.clear();
        setUp();
        store.clear();
        DeltaResponse empty =
                request(List.of(), List.of(), Map.of(), "").response().orElseThrow();
        assertThat(empty.resources()).isEmpty();
        assertThat(empty.removed()).isEmpty();
    }

    @Test
    void S3_1_initialVersionsSendOnlyDifferencesAndRemoveUnknownNames() {
        DeltaResponse r = request(List.of(), List.of(), Map.of("w1", "1", "w2", "0", "old", "3"), "")
                .response()
                .orElseThrow();
        assertThat(names(r)).containsExactly("w2");
        assertThat(r.removed()).containsExactly("old");
        assertThat(state.clientVersions(A)).isEqualTo(Map.of("w1", "1", "w2", "1"));
    }

    @Test
    void S3_1_changesArePushedOnlyWhenTheClientLacksThatVersion() {
        initial();
        XdsResource same = store.get("w1");
        XdsResource newer = Resources.workload("w2", "w2", "10.0.0.9", "2");
        Map<String, Optional<XdsResource>> changes = new HashMap<>();
        changes.put("w1", Optional.of(same));
        changes.put("w2", Optional.of(newer));
        changes.put("never-sent", Optional.empty());
        DeltaResponse r = state.onChanges(A, changes).orElseThrow();
        assertThat(names(r)).containsExactly("w2");
        assertThat(r.removed()).isEmpty();
        assertThat(state.onChanges(A, Map.of("w2", Optional.of(newer)))).isEmpty();
        assertThat(state.onChanges(A, Map.of("w1", Optional.empty()))
                        .orElseThrow()
                        .removed())
                .containsExactly("w1");
        assertThat(state.onChanges(TypeUrls.AUTHORIZATION, Map.of("p", Optional.empty())))
                .as("unsubscribed type")
                .isEmpty();
    }

    @Test
    void S3_1_nackKeepsStateAndRecordsTheError() {
        initial();
        state.onRequest(req(List.of(), "n1", "rejected"), t -> Map.copyOf(store));
        assertThat(state.lastError(A)).isEqualTo("rejected");
        assertThat(state.clientVersions(A)).containsKeys("w1", "w2");
        assertThat(state.onChanges(A, Map.of("w1", Optional.of(store.get("w1")))))
                .isEmpty();
        request(List.of(), List.of(), Map.of(), "n1");
        assertThat(state.lastError(A)).isEmpty();
    }

    @Test
    void S3_1_onDemandStartsEmptyAndServesOnlySubscribedNames() {
        DeltaResponse none =
                request(List.of("*"), List.of("*"), Map.of(), "").response().orElseThrow();
        assertThat(none.resources()).isEmpty();
        DeltaStreamState.Step sub = request(List.of("w1", "nope"), List.of(), Map.of(), "");
        assertThat(sub.outcome()).isEqualTo(DeltaStreamState.Outcome.SUBSCRIPTION_CHANGE);
        assertThat(names(sub.response().orElseThrow())).containsExactly("w1");
        assertThat(sub.response().orElseThrow().removed()).containsExactly("nope");
        assertThat(state.onChanges(A, Map.of("w2", Optional.of(Resources.workload("w2", "w2", "10.0.0.7", "5")))))
                .isEmpty();
        DeltaStreamState.Step unsub = request(List.of(), List.of("w1"), Map.of(), "");
        assertThat(unsub.response()).isEmpty();
        assertThat(state.clientVersions(A)).isEmpty();
        DeltaResponse all =
                request(List.of("*"), List.of(), Map.of(), "").response().orElseThrow();
        assertThat(names(all)).containsExactly("w1", "w2");
    }

    @Test
    void S3_1_noncesAreUniquePerResponse() {
        DeltaResponse a = request(List.of(), List.of(), Map.of(), "").response().orElseThrow();
        DeltaResponse b = state.onChanges(A, Map.of("w9", Optional.of(Resources.workload("w9", "w9", "10.0.0.9", "1"))))
                .orElseThrow();
        assertThat(a.nonce()).isNotEqualTo(b.nonce());
    }

    @Test
    void S3_1_onDemandAliasesResolveToTheirResourcesAndFollowLaterChanges() {
        Map<String, java.util.Set<String>> aliases = new HashMap<>();
        aliases.put("net/10.96.0.1", java.util.Set.of("svc", "w1"));
        AtomicInteger n = new AtomicInteger();
        state = new DeltaStreamState(
                () -> "n" + n.incrementAndGet(),
                () -> "v",
                (type, name) -> store.containsKey(name)
                        ? java.util.Set.of(name)
                        : aliases.getOrDefault(name, java.util.Set.of()));
        store.put("svc", Resources.workload("svc", "svc", "10.96.0.1", "1"));
        assertThat(request(List.of("*"), List.of("*"), Map.of(), "")
                        .response()
                        .orElseThrow()
                        .resources())
                .isEmpty();

        DeltaResponse vip = request(List.of("net/10.96.0.1", "net/10.9.9.9"), List.of(), Map.of(), "")
                .response()
                .orElseThrow();
        assertThat(names(vip)).containsExactly("svc", "w1");
        assertThat(vip.removed()).as("unknown alias").containsExactly("net/10.9.9.9");

        // A resource the VIP stood for is now followed by name.
        XdsResource w1v2 = Resources.workload("w1", "w1", "10.0.0.1", "2");
        assertThat(names(state.onChanges(A, Map.of("w1", Optional.of(w1v2))).orElseThrow()))
                .containsExactly("w1");
        // A new endpoint behind the VIP is pushed; an unrelated workload is not.
        aliases.put("net/10.96.0.1", java.util.Set.of("svc", "w1", "w3"));
        XdsResource w3 = Resources.workload("w3", "w3", "10.0.0.3", "1");
        XdsResource w4 = Resources.workload("w4", "w4", "10.0.0.4", "1");
        store.put("w3", w3);
        store.put("w4", w4);
        Map<String, Optional<XdsResource>> changes = new HashMap<>();
        changes.put("w3", Optional.of(w3));
        changes.put("w4", Optional.of(w4));
        assertThat(names(state.onChanges(A, changes).orElseThrow())).containsExactly("w3");
        assertThat(state.onChanges(A, Map.of("w1", Optional.empty()))
                        .orElseThrow()
                        .removed())
                .containsExactly("w1");

        // Asking by alias for something the client holds still answers with it (the client matches aliases).
        aliases.put("net/10.0.0.3", java.util.Set.of("w3"));
        assertThat(names(request(List.of("net/10.0.0.3"), List.of(), Map.of(), "")
                        .response()
                        .orElseThrow()))
                .containsExactly("w3");
    }
}
