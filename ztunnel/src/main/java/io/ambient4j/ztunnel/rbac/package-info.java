/**
 * L4 authorization with upstream ztunnel's semantics: the policy model and a pure
 * {@link io.ambient4j.ztunnel.rbac.Authorizer} whose decision names the deciding policy.
 */
package io.ambient4j.ztunnel.rbac;
