package io.ambient4j.waypoint.http;

/**
 * A parsed HTTP/1.x request line and header section.
 *
 * @param target the request-target as sent (origin form {@code /path?query}, or absolute form)
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 */
public record RequestHead(String method, String target, String version, HeaderList headers) {
    /** The path part of the target (origin form; an absolute-form target is reduced to its path). */
    public String path() {
        String t = originForm();
        int q = t.indexOf('?');
        return q < 0 ? t : t.substring(0, q);
    }

    /** The query without {@code ?}, or empty. */
    public String query() {
        String t = originForm();
        int q = t.indexOf('?');
        return q < 0 ? "" : t.substring(q + 1);
    }

    private String originForm() {
        if (target.startsWith("/")) {
            return target;
        }
        int scheme = target.indexOf("://");
        if (scheme > 0) {
            int slash = target.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : target.substring(slash);
        }
        return target;
    }

    /** Whether the client wants the connection kept after this exchange. */
    public boolean keepAlive() {
        if (headers.hasToken("connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("connection", "keep-alive");
    }
}
