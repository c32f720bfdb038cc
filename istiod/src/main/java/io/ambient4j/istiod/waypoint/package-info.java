/**
 * The waypoint deployment controller: per Gateway of class {@code istio-waypoint}, the ServiceAccount,
 * Deployment and Service istiod renders from the chart's waypoint template, and the Gateway status
 * (addresses, Accepted, Programmed) the ambient index needs before it binds anything to the waypoint.
 */
package io.ambient4j.istiod.waypoint;
