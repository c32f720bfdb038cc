# ambient4j: the two commands a newcomer needs are `make demo` and `make test`.
JAVA_HOME ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN ?= mvn -B -q -Dstyle.color=never

.PHONY: all build test demo format clean bench-istiod bench-cni bench-ztunnel

all: build

build:
	$(MVN) install -DskipTests

## Every module's tests, formatting and static checks. Network-namespace tests need root.
test:
	@rc=0; $(MVN) verify || rc=$$?; python3 scripts/test-summary.py || true; exit $$rc

## The main job on the embedded default (see README).
demo: build
	$(MVN) -pl istiod exec:java -Dexec.mainClass=io.ambient4j.istiod.Demo

format:
	$(MVN) spotless:apply

clean:
	$(MVN) clean

## istiod ambient index at 10,000 pods / 1,000 services / 500 policies (results: bench/RESULTS.md).
bench-istiod:
	$(MVN) -pl bench -am install -DskipTests
	$(MVN) -pl bench exec:exec

## ADD latency of the CNI plugin against a real agent (root): median and p99. N=50 by default.
bench-cni:
	cni/bench-cni.sh $(or $(N),50)

## ztunnel pair vs direct TCP vs a stunnel4 mTLS pair: throughput, added latency, RSS (results: bench/RESULTS.md).
## Runs from this tree's module jars, not ~/.m2: other checkouts install over those while a bench runs.
bench-ztunnel:
	$(MVN) -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/run.classpath
	cd bench && java -Xmx1g -cp target/classes:$$(cat target/run.classpath) io.ambient4j.bench.TunnelBench
