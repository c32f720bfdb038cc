package io.ambient4j.istioctl.precheck;

import picocli.CommandLine.Command;

/** {@code istioctl x}: upstream keeps precheck under the experimental verbs. */
@Command(
        name = "experimental",
        aliases = {"x", "exp"},
        mixinStandardHelpOptions = true,
        description = "Experimental commands that may be modified or deprecated",
        subcommands = PrecheckCommand.class)
public final class ExperimentalCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
