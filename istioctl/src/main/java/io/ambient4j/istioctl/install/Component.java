package io.ambient4j.istioctl.install;

import java.util.List;

/**
 * The four charts istioctl installs, in upstream's install order (base → istiod → cni → ztunnel),
 * with the values sub-tree upstream's IstioOperator gives each component ({@code values.pilot},
 * {@code values.cni}, {@code values.ztunnel}; ztunnel's is flattened to the top level).
 */
public enum Component {
    BASE("istio-base", "base", "Istio core", "base", false),
    ISTIOD("istiod", "istiod", "Istiod", "pilot", false),
    CNI("cni", "istio-cni", "CNI", "cni", false),
    ZTUNNEL("ztunnel", "ztunnel", "Ztunnel", "ztunnel", true);

    /** Directory under charts/. */
    public final String dir;
    /** Helm release name the upstream docs use. */
    public final String release;
    /** Name in the progress display, as upstream istioctl prints it. */
    public final String displayName;
    /** The component's name under spec.components and its legacy values section. */
    public final String specName;
    /** Whether values.&lt;specName&gt;.* is lifted to the top level for this chart. */
    public final boolean flattenValues;

    Component(String dir, String release, String displayName, String specName, boolean flattenValues) {
        this.dir = dir;
        this.release = release;
        this.displayName = displayName;
        this.specName = specName;
        this.flattenValues = flattenValues;
    }

    public static final List<Component> INSTALL_ORDER = List.of(BASE, ISTIOD, CNI, ZTUNNEL);
}
