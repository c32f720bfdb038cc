package io.ambient4j.istioctl.precheck;

/** One precheck result line, in upstream's analyzer format: "Error [IST0142] (cluster) message". */
public record Finding(Level level, String code, String message) {
    public enum Level {
        Error,
        Warning,
        Info
    }

    public String render() {
        return level + " [" + code + "] (cluster) " + message;
    }
}
