# ambient4j: the two commands a newcomer needs are `make demo` and `make test`.
JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN ?= mvn -B -q -Dstyle.color=never

.PHONY: all build test demo demo-istiod format clean bench-cni bench-istiod mesh-up mesh-down conformance conformance-external istioctl images images-test e2e-kind bench-ztunnel

all: build

build:
	$(MVN) install -DskipTests

## Every module's tests, formatting and static checks. Network-namespace tests need root.
test:
	@rc=0; $(MVN) verify || rc=$$?; python3 scripts/test-summary.py || true; exit $$rc

## The ambient story on a local mesh (root): plaintext, enrolment without restarts, mTLS identities, ztunnel
## logs and metrics, an AuthorizationPolicy, a waypoint (L7: X-Request-Id, its log and metrics, a 403 by path),
## the proxies' memory against one sidecar per pod (SIDECAR_RSS_MB, default 60), clean-up. Exits non-zero
## naming the step whose observation failed. See README.
demo: build
	@A4J_LOG_DIR=$(CURDIR)/conformance/target/demo-logs $(call CONFORMANCE_JAVA,io.ambient4j.conformance.cli.Demo)

## The istiod-only demo: the main job on the embedded default (no root needed).
demo-istiod: build
	$(MVN) -pl istiod exec:java -Dexec.mainClass=io.ambient4j.istiod.Demo

format:
	$(MVN) spotless:apply

clean:
	$(MVN) clean

## The local mesh (conformance/README.md). Root only. MANIFESTS=dir applies a folder before components start.
SCENARIOS ?= conformance/scenarios
CONFORMANCE_JAVA = $(JAVA_HOME)/bin/java --enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
	-cp "$(call module_cp,conformance)" $(1)

# A component joins the mesh once its module has a Main: its runtime classpath goes into A4J_<NAME>_CP.
# Our own modules come from this tree's target/classes, not ~/.m2 (shared with other checkouts that install
# their own snapshots of the same artifacts, possibly while a component is loading classes).
module_cp = $(CURDIR)/$(1)/target/classes:$(shell $(MVN) -pl $(1) dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime 2>/dev/null | tail -1 | sed -E 's#[^:]*/io/ambient4j/ambient4j-([a-z-]+)/[^:/]+/ambient4j-[a-z-]+-[0-9.]+-SNAPSHOT[.]jar#$(CURDIR)/\1/target/classes#g; s/\x1b\[[0-9;]*m//g')
component_cp = $(if $(wildcard $(1)/src/main/java/io/ambient4j/$(2)),$(call module_cp,$(1)),)
mesh-up conformance demo: export A4J_ISTIOD_CP = $(call component_cp,istiod,istiod/Main.java)
mesh-up conformance demo: export A4J_ZTUNNEL_CP = $(call component_cp,ztunnel,ztunnel/Main.java)
mesh-up conformance demo: export A4J_CNI_CP = $(call component_cp,cni,cni/agent/Main.java)
mesh-up conformance demo: export A4J_WAYPOINT_CP = $(call component_cp,waypoint,waypoint/Main.java)
mesh-up conformance demo: export A4J_CNI_PLUGIN = $(wildcard $(CURDIR)/cni/target/istio-cni)

mesh-up: build
	MANIFESTS=$(if $(MANIFESTS),$(abspath $(MANIFESTS)),) $(call CONFORMANCE_JAVA,io.ambient4j.conformance.cli.MeshUp)

mesh-down:
	$(call CONFORMANCE_JAVA,io.ambient4j.conformance.cli.MeshDown)

## Runs every scenario of SCENARIOS (default conformance/scenarios); report in conformance/target/report.md.
## Always the local mesh (a KUBECONFIG in the environment is not passed on: see conformance-external).
conformance: build
	KUBECONFIG= SCENARIOS=$(abspath $(SCENARIOS)) REPORT=$(CURDIR)/conformance/target/report.md A4J_LOG_DIR=$(CURDIR)/conformance/target/mesh-logs \
		$(call CONFORMANCE_JAVA,io.ambient4j.conformance.cli.Conformance)

## The scenarios on a real cluster with ambient4j installed (external mode, conformance/README.md): KUBECONFIG=<file>
## and ECHO_IMAGE=<hub>/echo:<tag> (loaded into the cluster) are required; report in conformance/target/report-external.md.
## scripts/e2e-kind.sh runs it on a kind cluster it sets up.
conformance-external: build
	@test -n "$(KUBECONFIG)" -a -n "$(ECHO_IMAGE)" || { echo "conformance-external: set KUBECONFIG=<file> and ECHO_IMAGE=<hub>/echo:<tag>" >&2; exit 2; }
	SCENARIOS=$(abspath $(SCENARIOS)) REPORT=$(CURDIR)/conformance/target/report-external.md \
		$(call CONFORMANCE_JAVA,io.ambient4j.conformance.cli.Conformance --kubeconfig $(KUBECONFIG) --image echo=$(ECHO_IMAGE))

## ADD latency of the CNI plugin against a real agent (root): median and p99. N=50 by default.
bench-cni:
	cni/bench-cni.sh $(or $(N),50)

## istiod ambient index at 10,000 pods / 1,000 services / 500 policies (results: bench/RESULTS.md).
bench-istiod:
	$(MVN) -pl bench -am install -DskipTests
	$(MVN) -pl bench exec:exec

## istioctl with the charts bundled inside; run it with bin/istioctl (e.g. bin/istioctl install --set profile=ambient -y).
istioctl:
	$(MVN) -pl istioctl -am install -DskipTests
	@echo "built: bin/istioctl (istioctl/target/istioctl.jar)"

## Container images istiod, install-cni, ztunnel, waypoint and echo (the conformance echo app + probe, for e2e-kind) as tarballs (images/<image>/target/jib-image.tar), built by Jib
## without a Docker daemon from scratch + a jlink'd JRE. IMAGE_HUB/IMAGE_TAG name them <hub>/<image>:<tag>.
## Also opens every tarball and runs its Java in a chroot (needs root). Not in `make test`: jlink and the
## Jib runs take a couple of minutes on two cores and need root for the chroot check.
IMAGE_HUB ?= localhost/ambient4j
IMAGE_TAG ?= 0.1.0-SNAPSHOT
images:
	$(MVN) -Pimages -pl images/jre,images/istiod,images/install-cni,images/ztunnel,images/waypoint,images/echo,images/check -am install \
		-Dimage.hub=$(IMAGE_HUB) -Dimage.tag=$(IMAGE_TAG) -Dtest='ImageTarballTest' -Dsurefire.failIfNoSpecifiedTests=false

## Only the tarball check, on images already built.
images-test:
	$(MVN) -Pimages -pl images/check test -Dimage.hub=$(IMAGE_HUB) -Dimage.tag=$(IMAGE_TAG)

## Builds the images (with echo), creates a kind cluster (two workers), installs the charts with Helm in upstream's
## order, labels a namespace, runs a smoke check there (enrolment, traffic over ztunnel, identities), then the
## conformance scenarios on the cluster (conformance-external). Needs docker, kind, kubectl and helm (not on this
## machine: the script says so and stops). See scripts/e2e-kind.sh.
e2e-kind:
	scripts/e2e-kind.sh

## ztunnel pair vs direct TCP vs a stunnel4 mTLS pair: throughput, added latency, RSS (results: bench/RESULTS.md).
## Runs from this tree's module jars, not ~/.m2: other checkouts install over those while a bench runs.
## The ztunnel processes run on ztunnel's runtime class path (as its image does), not the bench's (istiod, fabric8, ...).
bench-ztunnel:
	$(MVN) -pl bench -am package dependency:build-classpath -DskipTests -DincludeScope=runtime -Dmdep.outputFile=target/run.classpath
	cd bench && java -Xmx1g -Dbench.ztunnelClasspath=target/classes:$$(tr : '\n' < target/run.classpath | grep /ztunnel/target/):$$(cat ../ztunnel/target/run.classpath) \
		-cp target/classes:$$(cat target/run.classpath) io.ambient4j.bench.TunnelBench
