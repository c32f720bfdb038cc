/**
 * Which pods are ambient: the chart's {@code ambient.enablementSelectors} (Kubernetes label selectors on the
 * pod and its namespace), parsed strictly and matched by pure functions.
 */
package io.ambient4j.cni.enablement;
