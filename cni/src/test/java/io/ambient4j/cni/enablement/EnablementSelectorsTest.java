package io.ambient4j.cni.enablement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Selector matching (pod labels, namespace labels) and strict parsing of AMBIENT_ENABLEMENT_SELECTOR. */
class EnablementSelectorsTest {
    private static final Map<String, String> NONE = Map.of();
    private static final Map<String, String> AMBIENT = Map.of("istio.io/dataplane-mode", "ambient");
    private static final Map<String, String> OPT_OUT = Map.of("istio.io/dataplane-mode", "none");

    private static final String TEAM_SELECTOR = """
            - podSelector:
                matchExpressions:
                  - {key: tier, operator: In, values: [web, api]}
                  - {key: legacy, operator: DoesNotExist}
              namespaceSelector:
                matchLabels: {team: payments}
            - namespaceSelector:
                matchExpressions:
                  - {key: mesh, operator: Exists}
                  - {key: env, operator: NotIn, values: [dev]}
            """;
    private static final String JSON_SELECTOR =
            "[{\"podSelector\":{\"matchLabels\":{\"app\":\"a\"}},\"namespaceSelector\":{}}]";

    static Stream<Arguments> matching() {
        return Stream.of(
                // name, selectors, pod labels, namespace labels, expected
                Arguments.of("C007 default: namespace label", "", NONE, AMBIENT, true),
                Arguments.of("C008 default: pod label alone", "", AMBIENT, NONE, true),
                Arguments.of("C009 default: namespace ambient, pod none", "", OPT_OUT, AMBIENT, false),
                Arguments.of("C009 default: neither labelled", "", NONE, NONE, false),
                Arguments.of(
                        "C007 default: other namespace value", "", NONE, Map.of("istio.io/dataplane-mode", "x"), false),
                Arguments.of(
                        "C019 In matches a listed value",
                        TEAM_SELECTOR,
                        Map.of("tier", "api"),
                        Map.of("team", "payments"),
                        true),
                Arguments.of(
                        "C019 In: value not listed",
                        TEAM_SELECTOR,
                        Map.of("tier", "db"),
                        Map.of("team", "payments"),
                        false),
                Arguments.of("C019 In: key absent", TEAM_SELECTOR, NONE, Map.of("team", "payments"), false),
                Arguments.of(
                        "C019 DoesNotExist: key present",
                        TEAM_SELECTOR,
                        Map.of("tier", "web", "legacy", ""),
                        Map.of("team", "payments"),
                        false),
                Arguments.of(
                        "C019 matchLabels on namespace: wrong team",
                        TEAM_SELECTOR,
                        Map.of("tier", "web"),
                        Map.of("team", "x"),
                        false),
                Arguments.of(
                        "C019 Exists + NotIn: second entry (any entry matches)",
                        TEAM_SELECTOR,
                        NONE,
                        Map.of("mesh", "1"),
                        true),
                Arguments.of(
                        "C019 NotIn: absent key satisfies it",
                        TEAM_SELECTOR,
                        NONE,
                        Map.of("mesh", "", "env", "prod"),
                        true),
                Arguments.of(
                        "C019 NotIn: listed value fails",
                        TEAM_SELECTOR,
                        NONE,
                        Map.of("mesh", "1", "env", "dev"),
                        false),
                Arguments.of("C019 custom list replaces the default", TEAM_SELECTOR, AMBIENT, AMBIENT, false),
                Arguments.of(
                        "C019 JSON form; empty namespaceSelector matches any namespace",
                        JSON_SELECTOR,
                        Map.of("app", "a"),
                        NONE,
                        true),
                Arguments.of("C019 JSON form: other pod", JSON_SELECTOR, Map.of("app", "b"), NONE, false),
                Arguments.of("C019 empty list selects nothing", "[]", AMBIENT, AMBIENT, false),
                // Upstream (enablement_selector.go): an empty selector in an entry is Kubernetes' "everything".
                Arguments.of(
                        "C019 entry with only a namespaceSelector: any pod",
                        "- namespaceSelector: {matchLabels: {a: b}}",
                        NONE,
                        Map.of("a", "b"),
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matching")
    void C007_C019_selectorMatching(
            String name, String selectors, Map<String, String> pod, Map<String, String> namespace, boolean want) {
        assertThat(EnablementSelectors.parse(selectors).matches(pod, namespace))
                .as(name)
                .isEqualTo(want);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("- podSelector: [", SelectorException.Reason.NOT_YAML),
                Arguments.of("podSelector: {}", SelectorException.Reason.NOT_A_LIST),
                Arguments.of("- just-a-string", SelectorException.Reason.BAD_ENTRY),
                Arguments.of("- podSelecter: {matchLabels: {a: b}}", SelectorException.Reason.UNKNOWN_FIELD),
                Arguments.of("- podSelector: {matchLabel: {a: b}}", SelectorException.Reason.UNKNOWN_FIELD),
                Arguments.of(
                        "- podSelector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}",
                        SelectorException.Reason.BAD_OPERATOR),
                Arguments.of(
                        "- podSelector: {matchExpressions: [{key: a, operator: In}]}",
                        SelectorException.Reason.BAD_VALUES),
                Arguments.of(
                        "- podSelector: {matchExpressions: [{key: a, operator: Exists, values: [b]}]}",
                        SelectorException.Reason.BAD_VALUES),
                Arguments.of(
                        "- podSelector: {matchExpressions: [{operator: Exists}]}", SelectorException.Reason.BAD_KEY),
                Arguments.of("- podSelector: {matchLabels: {a: [x]}}", SelectorException.Reason.BAD_VALUES),
                Arguments.of("- podSelector: {matchExpressions: {key: a}}", SelectorException.Reason.BAD_ENTRY));
    }

    @ParameterizedTest(name = "C019 malformed {1}: {0}")
    @MethodSource("malformed")
    void C019_malformedSelectorIsRejected(String text, SelectorException.Reason reason) {
        assertThatThrownBy(() -> EnablementSelectors.parse(text))
                .isInstanceOfSatisfying(
                        SelectorException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
