package io.ambient4j.cni.netns;

import io.ambient4j.cni.rules.IptablesVariant;
import io.ambient4j.common.net.Netns;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Probes the host's iptables implementations at start-up ({@link IptablesVariant#decide}): each is "usable" when a
 * harmless rule ({@code nat INPUT -p 255 -j RETURN}, as upstream) can be added and removed, and legacy is preferred
 * when it already holds the node's rules. The probe is not free of side effects: it leaves legacy's (empty) nat table
 * behind, which a second probe would count as "legacy holds rules". So the choice is written to the agent's run
 * directory (tmpfs: one boot) and a restarted agent re-checks and reuses it instead of probing again; otherwise a
 * restart flipped to legacy and wrote new pods' rules where nothing reads them (upstream istio/istio#61020).
 */
public final class IptablesDetector {
    private static final System.Logger LOG = System.getLogger(IptablesDetector.class.getName());
    private static final List<String> PROBE = List.of("-t", "nat", "-A", "INPUT", "-p", "255", "-j", "RETURN");

    private IptablesDetector() {}

    /** The variant chosen earlier in this boot (still usable), else a fresh detection, persisted in {@code state}. */
    public static IptablesVariant detect(CommandRunner runner, Netns host, Path state) throws IOException {
        Optional<IptablesVariant> earlier = read(state);
        if (earlier.isPresent()
                && (earlier.get() == IptablesVariant.PLAIN
                        || usable(runner, host, earlier.get().binary("iptables")))) {
            LOG.log(Level.INFO, "iptables: using {0}, chosen earlier in this boot ({1})", earlier.get(), state);
            return earlier.get();
        }
        IptablesVariant v = detect(runner, host);
        Files.createDirectories(state.toAbsolutePath().getParent());
        Files.writeString(state, v.name() + "\n", StandardCharsets.US_ASCII);
        return v;
    }

    private static Optional<IptablesVariant> read(Path state) {
        try {
            return Optional.of(IptablesVariant.valueOf(
                    Files.readString(state, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A fresh detection (no memory of earlier ones). */
    public static IptablesVariant detect(CommandRunner runner, Netns host) throws IOException {
        // Read legacy's rules before probing it: the probe itself would create its nat table.
        String legacySave = "";
        try {
            CommandRunner.Result save = runner.run(host, List.of("iptables-legacy-save"), null);
            legacySave = save.ok() ? save.stdout() : "";
        } catch (IOException e) {
            // Not installed.
        }
        boolean legacy = usable(runner, host, "iptables-legacy");
        boolean nft = usable(runner, host, "iptables-nft");
        IptablesVariant v = IptablesVariant.decide(legacy, legacySave, nft);
        LOG.log(Level.INFO, "iptables: legacy usable={0}, nft usable={1}; using {2}", legacy, nft, v);
        return v;
    }

    private static boolean usable(CommandRunner runner, Netns host, String binary) throws IOException {
        List<String> add = new java.util.ArrayList<>(List.of(binary));
        add.addAll(PROBE);
        CommandRunner.Result r;
        try {
            r = runner.run(host, add, null);
        } catch (IOException e) {
            // Not installed: ProcessBuilder cannot start it.
            return false;
        }
        if (!r.ok() || r.stderr().contains("does not exist")) {
            return false;
        }
        List<String> del = new java.util.ArrayList<>(add);
        del.set(3, "-D");
        runner.run(host, del, null);
        return true;
    }
}
