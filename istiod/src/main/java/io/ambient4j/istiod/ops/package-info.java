/** istiod's operational endpoints: Prometheus metrics under upstream's names, readiness and debug dumps. */
package io.ambient4j.istiod.ops;
