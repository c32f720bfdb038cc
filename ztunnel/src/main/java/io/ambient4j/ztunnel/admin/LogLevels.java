package io.ambient4j.ztunnel.admin;

import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /logging?level=...} with upstream's vocabulary (error|warn|info|debug|trace|off, globally or
 * as {@code <logger>:<level>} clauses separated by commas) applied to java.util.logging, the System.Logger
 * backend. An invalid request changes nothing.
 */
final class LogLevels {
    private static final Map<String, Level> LEVELS = Map.of(
            "off", Level.OFF,
            "error", Level.SEVERE,
            "warn", Level.WARNING,
            "info", Level.INFO,
            "debug", Level.FINE,
            "trace", Level.FINEST);

    private LogLevels() {}

    /** Applies {@code spec}; throws IllegalArgumentException naming the bad clause, before changing anything. */
    static void apply(String spec) {
        String[] clauses = spec.split(",");
        for (String c : clauses) {
            parse(c);
        }
        for (String c : clauses) {
            int colon = c.lastIndexOf(':');
            Level level = parse(c);
            if (colon < 0) {
                Logger root = Logger.getLogger("");
                root.setLevel(level);
                for (Handler h : root.getHandlers()) {
                    h.setLevel(level);
                }
            } else {
                Logger.getLogger(c.substring(0, colon).trim()).setLevel(level);
                for (Handler h : Logger.getLogger("").getHandlers()) {
                    if (h.getLevel().intValue() > level.intValue()) {
                        h.setLevel(level);
                    }
                }
            }
        }
    }

    private static Level parse(String clause) {
        int colon = clause.lastIndexOf(':');
        String name = (colon < 0 ? clause : clause.substring(colon + 1)).trim().toLowerCase(Locale.ROOT);
        Level level = LEVELS.get(name);
        if (level == null || (colon == 0)) {
            throw new IllegalArgumentException("level " + clause + " is invalid");
        }
        return level;
    }

    /** The root level in upstream's words. */
    static String current() {
        Level l = Logger.getLogger("").getLevel();
        for (var e : LEVELS.entrySet()) {
            if (e.getValue().equals(l)) {
                return e.getKey();
            }
        }
        return l == null ? "info" : l.getName().toLowerCase(Locale.ROOT);
    }
}
