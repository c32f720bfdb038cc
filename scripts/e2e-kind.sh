#!/usr/bin/env bash
# End-to-end on a real cluster, for people with Docker and kind: builds the ambient4j images, creates a
# kind cluster, loads the images, installs the four charts with Helm in the documented order (base,
# Gateway API CRDs, istiod, cni, ztunnel), labels a namespace for ambient and runs a smoke check there
# (enrolment, a call through ztunnel, the client's SPIFFE identity in ztunnel's access log). The scenario
# suite itself needs the local mesh: its runner has no external-cluster mode yet.
#
# It cannot run on the machine ambient4j is developed on (no Docker daemon, no kind, no network); it
# checks for its tools first and says what is missing.
#
# Environment: CLUSTER (default ambient4j), NAMESPACE for the test workloads (default ambient-e2e),
# IMAGE_HUB (default localhost/ambient4j), IMAGE_TAG (default 0.1.0-SNAPSHOT), GATEWAY_API_VERSION
# (default v1.4.0), KEEP_CLUSTER=1 to leave the cluster running afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CLUSTER="${CLUSTER:-ambient4j}"
NAMESPACE="${NAMESPACE:-ambient-e2e}"
IMAGE_HUB="${IMAGE_HUB:-localhost/ambient4j}"
IMAGE_TAG="${IMAGE_TAG:-0.1.0-SNAPSHOT}"
GATEWAY_API_VERSION="${GATEWAY_API_VERSION:-v1.4.0}"
# module:image for the images that exist today (upstream's names; the waypoint image comes with a waypoint component)
IMAGES=(istiod:pilot install-cni:install-cni ztunnel:ztunnel)

missing=()
for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "e2e-kind: cannot run here: missing ${missing[*]}." >&2
  echo "  It needs a Docker daemon, kind (https://kind.sigs.k8s.io), kubectl and helm 3.6+ on PATH." >&2
  exit 2
fi
if ! docker info >/dev/null 2>&1; then
  echo "e2e-kind: cannot run here: the docker command is installed but no Docker daemon answers (docker info failed)." >&2
  exit 2
fi

step() { printf '\n== %s\n' "$*"; }

step "images (Jib tarballs, no Docker daemon needed for the build)"
make images IMAGE_HUB="$IMAGE_HUB" IMAGE_TAG="$IMAGE_TAG"
make istioctl >/dev/null

step "kind cluster $CLUSTER"
kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER"
kubeconfig="$(mktemp)"
kind get kubeconfig --name "$CLUSTER" > "$kubeconfig"
export KUBECONFIG="$kubeconfig"
cleanup() {
  rm -f "$kubeconfig"
  if [[ "${KEEP_CLUSTER:-0}" != 1 ]]; then kind delete cluster --name "$CLUSTER"; fi
}
trap cleanup EXIT

step "load images into the kind nodes"
for entry in "${IMAGES[@]}"; do
  module="${entry%%:*}" image="${entry#*:}"
  docker load -i "images/$module/target/jib-image.tar"
  kind load docker-image --name "$CLUSTER" "$IMAGE_HUB/$image:$IMAGE_TAG"
done

C=charts-test/target/classes/charts
values=(--set "global.hub=$IMAGE_HUB" --set "global.tag=$IMAGE_TAG" --set global.variant= --set global.imagePullPolicy=Never)

step "helm install, upstream order"
helm install istio-base "$C/istio-base" -n istio-system --create-namespace --wait
kubectl get crd gateways.gateway.networking.k8s.io >/dev/null 2>&1 || \
  kubectl apply -k "github.com/kubernetes-sigs/gateway-api/config/crd?ref=$GATEWAY_API_VERSION"
helm install istiod "$C/istiod" -n istio-system --set profile=ambient "${values[@]}" --wait
helm install istio-cni "$C/cni" -n istio-system --set profile=ambient "${values[@]}" --wait
helm install ztunnel "$C/ztunnel" -n istio-system "${values[@]}" --wait
helm ls -n istio-system
kubectl get pods -n istio-system

step "precheck and namespace $NAMESPACE"
bin/istioctl x precheck || true
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl label namespace "$NAMESPACE" istio.io/dataplane-mode=ambient --overwrite

# The scenario suite (conformance/scenarios) runs on the local mesh only: its runner has no external-cluster mode yet
# (probes run inside pod network namespaces and the echo app is not an image). On a cluster this smoke check shows
# the same core behaviour with public images: enrolment without restarts, traffic through ztunnel with identities.
step "smoke check in $NAMESPACE: enrolment, traffic over ztunnel, identities"
kubectl -n "$NAMESPACE" create serviceaccount client --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$NAMESPACE" create serviceaccount server --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$NAMESPACE" apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata: {name: server, labels: {app: server}}
spec:
  serviceAccountName: server
  containers: [{name: app, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: server}
spec: {selector: {app: server}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  serviceAccountName: client
  containers: [{name: curl, image: curlimages/curl:8.11.1, command: [sleep, "3600"]}]
EOF
kubectl -n "$NAMESPACE" wait --for=condition=Ready pod/server pod/client --timeout=180s
for pod in server client; do
  got="$(kubectl -n "$NAMESPACE" get pod "$pod" -o jsonpath='{.metadata.annotations.ambient\.istio\.io/redirection}')"
  [[ "$got" == enabled ]] || { echo "e2e-kind: pod $pod is not enrolled (ambient.istio.io/redirection='$got')" >&2; exit 1; }
done
kubectl -n "$NAMESPACE" exec client -- curl -sf -o /dev/null -w '%{http_code}\n' "http://server.$NAMESPACE/"
identity="spiffe://cluster.local/ns/$NAMESPACE/sa/client"
for _ in $(seq 1 20); do
  if kubectl -n istio-system logs ds/ztunnel --tail=-1 2>/dev/null | grep -q "src.identity=\"$identity\""; then
    echo "ztunnel logged the connection from $identity"
    echo "e2e-kind: passed"
    exit 0
  fi
  sleep 3
done
echo "e2e-kind: no ztunnel access-log entry with src.identity=$identity" >&2
exit 1
