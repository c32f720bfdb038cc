/**
 * The agent's side of the CNI plugin: the add event the plugin posts, the HTTP server on the plugin
 * event socket, and installing the plugin binary and its entry in the node's CNI configuration. The
 * plugin itself is C ({@code src/main/c/istio-cni.c}); see the module README for why.
 */
package io.ambient4j.cni.plugin;
