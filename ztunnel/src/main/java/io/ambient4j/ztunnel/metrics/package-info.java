/**
 * Telemetry with upstream's names: the {@code istio_tcp_*} metric families and the {@code access} log line, both fed
 * from one {@link io.ambient4j.ztunnel.metrics.ConnectionResult} per connection.
 */
package io.ambient4j.ztunnel.metrics;
