package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1beta1 ProxyConfig: per-workload proxy settings (concurrency, environment, image type). */
@Group("networking.istio.io")
@Version("v1beta1")
@Kind("ProxyConfig")
@Plural("proxyconfigs")
public class ProxyConfig extends CustomResource<ProxyConfigSpec, IstioStatus> implements Namespaced {}
