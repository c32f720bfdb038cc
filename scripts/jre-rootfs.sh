#!/usr/bin/env bash
# Builds the base layer of every ambient4j image without a Docker daemon or a registry: a jlink'd
# Java runtime at /opt/java plus the few glibc libraries it links against (found with ldd), in a
# directory that Jib adds on top of `scratch` (images/*/pom.xml: extraDirectories).
#   usage: scripts/jre-rootfs.sh <output-dir>
set -euo pipefail
out="${1:?usage: $0 <output-dir>}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
modules="java.base,java.logging,java.naming,java.net.http,java.management,java.security.jgss,java.sql,java.xml,jdk.unsupported,jdk.crypto.cryptoki,jdk.zipfs,jdk.management,jdk.httpserver"

if [[ -x "$out/opt/java/bin/java" && -f "$out/.modules" && "$(cat "$out/.modules")" == "$modules" ]]; then
  echo "jre-rootfs: $out is up to date"
  exit 0
fi
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp" "$out/etc" "$out/proc"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$out/opt/java"

# glibc and the dynamic loader the runtime needs (the image has no distribution underneath)
libs=$( { ldd "$out/opt/java/bin/java"; find "$out/opt/java" -name '*.so' -exec ldd {} \; 2>/dev/null; } \
  | awk '/=> \// {print $3} /^[ \t]*\/lib64\// {print $1}' | sort -u)
extra="/lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2"
for lib in $libs $extra; do
  [[ -e "$lib" && "$lib" != "$out"* ]] || continue
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
mkdir -p "$out/lib/x86_64-linux-gnu"
cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
# the minimum a JVM and DNS look for
echo 'root:x:0:0:root:/root:/sbin/nologin' > "$out/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' >> "$out/etc/passwd"
echo 'root:x:0:' > "$out/etc/group"
echo 'hosts: files dns' > "$out/etc/nsswitch.conf"
chmod 1777 "$out/tmp"
echo "$modules" > "$out/.modules"
du -sh "$out" | awk '{print "jre-rootfs: " $1 " in " $2}'
