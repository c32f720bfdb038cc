package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** extensions.istio.io/v1alpha1 WasmPlugin: Wasm filters for proxies and waypoints. */
@Group("extensions.istio.io")
@Version("v1alpha1")
@Kind("WasmPlugin")
@Plural("wasmplugins")
public class WasmPlugin extends CustomResource<WasmPluginSpec, IstioStatus> implements Namespaced {}
