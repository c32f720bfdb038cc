/**
 * The ZDS server: hands ztunnel every enrolled pod's network namespace over a SEQPACKET socket (one
 * protobuf per datagram, the netns fd as SCM_RIGHTS), first as a snapshot, then incrementally.
 */
package io.ambient4j.cni.zds;
