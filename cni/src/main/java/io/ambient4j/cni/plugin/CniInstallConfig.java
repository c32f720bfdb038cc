package io.ambient4j.cni.plugin;

import io.ambient4j.cni.enablement.EnablementSelectors;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How the agent installs the plugin on its node (helm-charts §4.4/§4.5): where the host's CNI bin and
 * conf directories are mounted, which conf file to chain into, and the settings written into the plugin's
 * conflist entry (ambient-spec §6.5). {@code hostRunDir} is the run directory as the plugin sees it on the
 * host, which is where the agent's socket is because the directory is a hostPath.
 */
public record CniInstallConfig(
        Path pluginSource,
        Path mountedBinDir,
        Path mountedConfDir,
        Optional<String> confName,
        boolean chained,
        boolean istioOwned,
        String istioOwnedFileName,
        boolean groupReadable,
        String pluginLogLevel,
        Path hostRunDir,
        boolean ambientEnabled,
        List<String> excludeNamespaces,
        String podNamespace,
        boolean nativeNftables,
        boolean ambientDetectionRetry,
        List<Object> enablementSelectors) {
    public static final String PLUGIN_NAME = "istio-cni";
    public static final String DEFAULT_ISTIO_OWNED_FILE = "02-istio-cni.conflist";
    /** Upstream's file name for a standalone (not chained) configuration. */
    public static final String STANDALONE_FILE = "YYY-istio-cni.conf";

    public CniInstallConfig {
        excludeNamespaces = List.copyOf(excludeNamespaces);
        enablementSelectors = List.copyOf(enablementSelectors);
    }

    /** With the chart's default enablement selectors in the entry. */
    public CniInstallConfig(
            Path pluginSource,
            Path mountedBinDir,
            Path mountedConfDir,
            Optional<String> confName,
            boolean chained,
            boolean istioOwned,
            String istioOwnedFileName,
            boolean groupReadable,
            String pluginLogLevel,
            Path hostRunDir,
            boolean ambientEnabled,
            List<String> excludeNamespaces,
            String podNamespace,
            boolean nativeNftables,
            boolean ambientDetectionRetry) {
        this(
                pluginSource,
                mountedBinDir,
                mountedConfDir,
                confName,
                chained,
                istioOwned,
                istioOwnedFileName,
                groupReadable,
                pluginLogLevel,
                hostRunDir,
                ambientEnabled,
                excludeNamespaces,
                podNamespace,
                nativeNftables,
                ambientDetectionRetry,
                EnablementSelectors.defaults().asJson());
    }

    /** The installed plugin binary on the host. */
    public Path installedBinary() {
        return mountedBinDir.resolve(PLUGIN_NAME);
    }
}
