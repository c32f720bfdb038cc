package io.ambient4j.istiod;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The embedded API server's service-account token issuer and TokenReview endpoint.
 *
 * <p>fabric8's CRUD mock stores objects but has no authentication logic, so {@code --embedded} istiod and
 * its tests would otherwise have nothing to review a bearer token against. This plays the kube-apiserver's
 * part: it mints bound tokens (JWTs with {@code sub}, {@code aud}, {@code exp} and the pod binding, HS256
 * signed with a per-process key) and answers {@code POST /apis/authentication.k8s.io/v1/tokenreviews} the way
 * the API server does: unknown signature, expired, or no audience in common means
 * {@code authenticated: false}. istiod itself only ever calls the TokenReview API.
 */
public final class ServiceAccountTokens {
    public static final String TOKEN_REVIEW_PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

    private final byte[] key = new byte[32];
    private final Clock clock;

    public ServiceAccountTokens(Clock clock) {
        new SecureRandom().nextBytes(key);
        this.clock = clock;
    }

    public ServiceAccountTokens() {
        this(Clock.systemUTC());
    }

    /** Answers TokenReviews on {@code server} (a CRUD mock) from now on. */
    public void install(KubernetesMockServer server) {
        server.expect()
                .post()
                .withPath(TOKEN_REVIEW_PATH)
                .andReply(
                        201,
                        req -> Serialization.asJson(
                                review(Serialization.unmarshal(req.getUtf8Body(), TokenReview.class))))
                .always();
    }

    /**
     * Mints a token bound to a pod.
     *
     * @param ttl lifetime; negative yields an already expired token
     */
    public String issue(
            String namespace,
            String serviceAccount,
            String podName,
            String podUid,
            List<String> audiences,
            Duration ttl) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "https://kubernetes.default.svc.cluster.local");
        claims.put("sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
        claims.put("aud", List.copyOf(audiences));
        claims.put("exp", clock.instant().plus(ttl).getEpochSecond());
        claims.put("iat", clock.instant().getEpochSecond());
        Map<String, Object> k8s = new LinkedHashMap<>();
        k8s.put("namespace", namespace);
        k8s.put("serviceaccount", Map.of("name", serviceAccount));
        if (!podName.isEmpty()) {
            k8s.put("pod", Map.of("name", podName, "uid", podUid));
        }
        claims.put("kubernetes.io", k8s);
        String header = b64(Serialization.asJson(Map.of("alg", "HS256", "typ", "JWT")));
        String payload = b64(Serialization.asJson(claims));
        return header + "." + payload + "." + sign(header + "." + payload);
    }

    /** The API server's answer to one TokenReview. */
    @SuppressWarnings("unchecked")
    public TokenReview review(TokenReview request) {
        String token = request.getSpec() == null ? null : request.getSpec().getToken();
        List<String> wanted = request.getSpec() == null || request.getSpec().getAudiences() == null
                ? List.of()
                : request.getSpec().getAudiences();
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 3
                || !MessageDigest.isEqual(
                        sign(parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                        parts[2].getBytes(StandardCharsets.US_ASCII))) {
            return refused(request, "invalid bearer token");
        }
        Map<String, Object> claims = Serialization.unmarshal(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8), Map.class);
        long exp = ((Number) claims.get("exp")).longValue();
        if (clock.instant().getEpochSecond() >= exp) {
            return refused(request, "invalid bearer token, token has expired");
        }
        List<String> aud = (List<String>) claims.get("aud");
        List<String> common = new ArrayList<>(wanted.isEmpty() ? aud : wanted);
        common.retainAll(aud);
        if (common.isEmpty()) {
            return refused(
                    request,
                    "invalid bearer token, token audiences " + aud + " is invalid for the target audiences " + wanted);
        }
        String sub = (String) claims.get("sub");
        Map<String, Object> k8s = (Map<String, Object>) claims.get("kubernetes.io");
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (k8s != null && k8s.get("pod") instanceof Map<?, ?> pod) {
            extra.put("authentication.kubernetes.io/pod-name", List.of(String.valueOf(pod.get("name"))));
            extra.put("authentication.kubernetes.io/pod-uid", List.of(String.valueOf(pod.get("uid"))));
        }
        String ns = sub.split(":")[2];
        return new TokenReviewBuilder(request)
                .withNewStatus()
                .withAuthenticated(true)
                .withAudiences(common)
                .withNewUser()
                .withUsername(sub)
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated")
                .withExtra(extra)
                .endUser()
                .endStatus()
                .build();
    }

    private static TokenReview refused(TokenReview request, String error) {
        return new TokenReviewBuilder(request)
                .withNewStatus()
                .withAuthenticated(false)
                .withError(error)
                .endStatus()
                .build();
    }

    private String sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(data.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
