package io.ambient4j.cni.agent;

/** A setting the agent cannot start with; names the variable so the operator can fix the ConfigMap. */
public final class AgentConfigException extends IllegalArgumentException {
    /** Why a setting was rejected. */
    public enum Reason {
        MISSING,
        NOT_A_BOOLEAN,
        NOT_A_NUMBER,
        BAD_ENABLEMENT_SELECTOR
    }

    private final Reason reason;
    private final String variable;

    public AgentConfigException(Reason reason, String variable, String message) {
        super(variable + ": " + message);
        this.reason = reason;
        this.variable = variable;
    }

    public Reason reason() {
        return reason;
    }

    public String variable() {
        return variable;
    }
}
