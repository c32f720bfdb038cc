package io.ambient4j.istiod.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * Authenticates gRPC callers by their Kubernetes service-account token, asking the API server with a
 * TokenReview for the {@code istio-ca} audience, as upstream istiod does for both the CA and xDS.
 *
 * <p>The {@code clusterid} metadata must be empty or name this istiod's cluster: a multi-cluster setup would
 * review remote tokens with the remote cluster's API server, which this istiod does not have.
 */
public final class TokenReviewAuthenticator implements Authenticator {
    /** The audience ztunnel's projected token is minted for. */
    public static final List<String> DEFAULT_AUDIENCES = List.of("istio-ca");

    private static final System.Logger LOG = System.getLogger(TokenReviewAuthenticator.class.getName());

    private final KubernetesClient client;
    private final String clusterId;
    private final List<String> audiences;

    public TokenReviewAuthenticator(KubernetesClient client, String clusterId, List<String> audiences) {
        this.client = client;
        this.clusterId = clusterId;
        this.audiences = List.copyOf(audiences);
    }

    @Override
    public Caller authenticate(Credentials credentials) throws AuthenticationException {
        String token = BearerTokens.extract(credentials.authorization());
        if (!credentials.clusterId().isEmpty() && !credentials.clusterId().equals(clusterId)) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.UNKNOWN_CLUSTER,
                    "client claims to be in cluster '" + credentials.clusterId() + "', this istiod serves only '"
                            + clusterId + "'");
        }
        TokenReview review = new TokenReviewBuilder()
                .withNewSpec()
                .withToken(token)
                .withAudiences(audiences)
                .endSpec()
                .build();
        TokenReview answer;
        try {
            answer = client.authentication().v1().tokenReviews().create(review);
        } catch (KubernetesClientException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "TokenReview failed for " + credentials.peer() + ": " + e.getMessage());
            throw new AuthenticationException(
                    AuthenticationException.Reason.REVIEW_FAILED, "TokenReview failed: " + e.getMessage(), e);
        }
        TokenReviewStatus st = answer == null ? null : answer.getStatus();
        if (st == null) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.REVIEW_FAILED, "TokenReview returned no status");
        }
        UserInfo user = st.getUser();
        return TokenReviewVerdict.interpret(
                new TokenReviewVerdict.Status(
                        Boolean.TRUE.equals(st.getAuthenticated()),
                        st.getError(),
                        st.getAudiences(),
                        user == null ? "" : user.getUsername(),
                        user == null ? List.of() : user.getGroups(),
                        user == null ? null : user.getExtra()),
                audiences);
    }
}
