/**
 * Pure generators for every rule the CNI agent installs: in-pod capture (iptables and nftables), host
 * probe SNAT with its ipset, and in-pod policy routing; plus the parser and decision that make
 * re-applying idempotent. No I/O here: the netns package runs the text these produce.
 */
package io.ambient4j.cni.rules;
