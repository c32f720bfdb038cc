/**
 * ztunnel's environment, parsed and validated once at start-up into {@link io.ambient4j.ztunnel.config.Config}, so
 * nothing else reads the environment and a bad value stops the process with the variable's name.
 */
package io.ambient4j.ztunnel.config;
