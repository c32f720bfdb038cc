package io.ambient4j.conformance.mesh;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.regex.Pattern;

/**
 * fabric8's mixed dispatcher, with one fix towards the real API server: a PATCH of
 * {@code pods/<name>/status} that changes metadata (the CNI agent writes
 * {@code ambient.istio.io/redirection} that way, as upstream's agent does, needing only pods/status
 * rights) keeps its metadata change. The CRUD mock would apply only the status part and silently drop
 * the annotation; here such a patch is applied to the pod object itself.
 */
final class StatusMetadataDispatcher extends KubernetesMixedDispatcher {
    private static final Pattern POD_STATUS = Pattern.compile("^/api/v1/namespaces/[^/]+/pods/[^/?]+/status(\\?.*)?$");

    StatusMetadataDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        super(responses);
    }

    /** The path to dispatch a request to (pure): pod status patches carrying metadata go to the pod. */
    static String route(HttpMethod method, String path, String body) {
        if (method == HttpMethod.PATCH && POD_STATUS.matcher(path).matches() && body.contains("\"metadata\"")) {
            return path.replaceFirst("/status(\\?|$)", "$1");
        }
        return path;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (request.method() != HttpMethod.PATCH
                || !POD_STATUS.matcher(request.getPath()).matches()) {
            return super.dispatch(request); // the body is not read here: reading would consume it
        }
        // getBytes() leaves the buffer as it is; the CRUD dispatcher reads it later
        byte[] body =
                request.getBody() == null ? new byte[0] : request.getBody().getBytes();
        String path = route(request.method(), request.getPath(), new String(body, StandardCharsets.UTF_8));
        return super.dispatch(new RecordedRequest(
                request.getHttpVersion(), request.method(), path, request.getHeaders(), new Buffer(body)));
    }
}
