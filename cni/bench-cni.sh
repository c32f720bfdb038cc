#!/bin/sh
# ADD latency of the istio-cni plugin against a running agent (root). Usage: cni/bench-cni.sh [N] [probes]
# Builds common and cni in one reactor, then runs CniAddBench on the freshly built classes (ahead of any
# other branch's jars in ~/.m2).
set -eu
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
mvn -B -q -pl common,cni -am install -DskipTests
mvn -B -q -pl cni dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null
CP="cni/target/classes:cni/target/test-classes:common/target/classes:common/target/test-classes:$(cat cni/target/bench.classpath)"
exec java --enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -Dambient4j.cni.plugin=cni/target/istio-cni -Djava.util.logging.config.file=/dev/null \
  -cp "$CP" io.ambient4j.cni.agent.CniAddBench "${1:-50}" "${2:-20}"
