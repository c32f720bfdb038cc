package io.ambient4j.istioctl.install;

import io.ambient4j.istioctl.IstioctlException;
import io.ambient4j.istioctl.IstioctlException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --set path=value} as istioctl reads it: a dotted path into the IstioOperator spec
 * ({@code \.} escapes a dot inside a key, e.g. an annotation name) and a value typed like Helm's
 * --set (true/false, integers, otherwise a string).
 */
public record SetFlag(List<String> path, Object value) {
    public static SetFlag parse(String flag) {
        int eq = flag.indexOf('=');
        if (eq <= 0) {
            throw new IstioctlException(
                    Reason.BAD_ARGUMENT, "--set " + flag + ": expected path=value, e.g. --set profile=ambient");
        }
        List<String> path = splitPath(flag.substring(0, eq));
        if (path.stream().anyMatch(String::isEmpty)) {
            throw new IstioctlException(Reason.BAD_ARGUMENT, "--set " + flag + ": empty key in the path");
        }
        return new SetFlag(List.copyOf(path), typed(flag.substring(eq + 1)));
    }

    public String dotted() {
        return String.join(".", path);
    }

    static List<String> splitPath(String key) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\' && i + 1 < key.length() && key.charAt(i + 1) == '.') {
                cur.append('.');
                i++;
            } else if (c == '.') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    static Object typed(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        if (v.matches("-?[0-9]{1,18}")) {
            return Long.valueOf(v);
        }
        return v;
    }
}
