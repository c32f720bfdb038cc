#!/usr/bin/env bash
# End-to-end on a real cluster, for people with Docker and kind: builds the ambient4j images, creates a
# kind cluster, loads the images, installs the four charts with Helm in the documented order (base,
# Gateway API CRDs, istiod, cni, ztunnel), labels a namespace for ambient and runs the conformance
# scenarios against the cluster (make conformance KUBECONFIG=...).
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
# the images that exist today; add ztunnel and waypoint here when their modules exist (images/README)
IMAGES=(istiod install-cni ztunnel)

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
for image in "${IMAGES[@]}"; do
  docker load -i "images/$image/target/jib-image.tar"
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

step "conformance scenarios"
make conformance KUBECONFIG="$KUBECONFIG" NAMESPACE="$NAMESPACE"
