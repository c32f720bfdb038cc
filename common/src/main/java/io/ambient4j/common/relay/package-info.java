/** Byte relay between two connections with half-close and bounded buffering, as every proxy hop needs. */
package io.ambient4j.common.relay;
