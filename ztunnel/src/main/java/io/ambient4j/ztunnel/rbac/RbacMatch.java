package io.ambient4j.ztunnel.rbac;

import java.util.List;

/**
 * One {@code istio.security.Match}: values of one kind are OR-ed, kinds are AND-ed, and a {@code not_*} list holds
 * when none of its values match. A match with no field set is skipped by the evaluator, never a match-all.
 */
public record RbacMatch(
        List<StringMatch> namespaces,
        List<StringMatch> notNamespaces,
        List<ServiceAccountMatch> serviceAccounts,
        List<ServiceAccountMatch> notServiceAccounts,
        List<StringMatch> principals,
        List<StringMatch> notPrincipals,
        List<IpNet> sourceIps,
        List<IpNet> notSourceIps,
        List<IpNet> destinationIps,
        List<IpNet> notDestinationIps,
        List<Integer> destinationPorts,
        List<Integer> notDestinationPorts) {

    public RbacMatch {
        namespaces = List.copyOf(namespaces);
        notNamespaces = List.copyOf(notNamespaces);
        serviceAccounts = List.copyOf(serviceAccounts);
        notServiceAccounts = List.copyOf(notServiceAccounts);
        principals = List.copyOf(principals);
        notPrincipals = List.copyOf(notPrincipals);
        sourceIps = List.copyOf(sourceIps);
        notSourceIps = List.copyOf(notSourceIps);
        destinationIps = List.copyOf(destinationIps);
        notDestinationIps = List.copyOf(notDestinationIps);
        destinationPorts = List.copyOf(destinationPorts);
        notDestinationPorts = List.copyOf(notDestinationPorts);
    }

    /** A match with every list empty; the starting point for {@link #builder()}. */
    public static RbacMatch empty() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when no field is set (upstream skips such a match). */
    public boolean isEmpty() {
        return namespaces.isEmpty()
                && notNamespaces.isEmpty()
                && serviceAccounts.isEmpty()
                && notServiceAccounts.isEmpty()
                && principals.isEmpty()
                && notPrincipals.isEmpty()
                && sourceIps.isEmpty()
                && notSourceIps.isEmpty()
                && destinationIps.isEmpty()
                && notDestinationIps.isEmpty()
                && destinationPorts.isEmpty()
                && notDestinationPorts.isEmpty();
    }

    /** Fluent construction for tests and the xDS converter. */
    public static final class Builder {
        private List<StringMatch> namespaces = List.of();
        private List<StringMatch> notNamespaces = List.of();
        private List<ServiceAccountMatch> serviceAccounts = List.of();
        private List<ServiceAccountMatch> notServiceAccounts = List.of();
        private List<StringMatch> principals = List.of();
        private List<StringMatch> notPrincipals = List.of();
        private List<IpNet> sourceIps = List.of();
        private List<IpNet> notSourceIps = List.of();
        private List<IpNet> destinationIps = List.of();
        private List<IpNet> notDestinationIps = List.of();
        private List<Integer> destinationPorts = List.of();
        private List<Integer> notDestinationPorts = List.of();

        public Builder namespaces(List<StringMatch> v) {
            namespaces = v;
            return this;
        }

        public Builder notNamespaces(List<StringMatch> v) {
            notNamespaces = v;
            return this;
        }

        public Builder serviceAccounts(List<ServiceAccountMatch> v) {
            serviceAccounts = v;
            return this;
        }

        public Builder notServiceAccounts(List<ServiceAccountMatch> v) {
            notServiceAccounts = v;
            return this;
        }

        public Builder principals(List<StringMatch> v) {
            principals = v;
            return this;
        }

        public Builder notPrincipals(List<StringMatch> v) {
            notPrincipals = v;
            return this;
        }

        public Builder sourceIps(List<IpNet> v) {
            sourceIps = v;
            return this;
        }

        public Builder notSourceIps(List<IpNet> v) {
            notSourceIps = v;
            return this;
        }

        public Builder destinationIps(List<IpNet> v) {
            destinationIps = v;
            return this;
        }

        public Builder notDestinationIps(List<IpNet> v) {
            notDestinationIps = v;
            return this;
        }

        public Builder destinationPorts(List<Integer> v) {
            destinationPorts = v;
            return this;
        }

        public Builder notDestinationPorts(List<Integer> v) {
            notDestinationPorts = v;
            return this;
        }

        public RbacMatch build() {
            return new RbacMatch(
                    namespaces,
                    notNamespaces,
                    serviceAccounts,
                    notServiceAccounts,
                    principals,
                    notPrincipals,
                    sourceIps,
                    notSourceIps,
                    destinationIps,
                    notDestinationIps,
                    destinationPorts,
                    notDestinationPorts);
        }
    }
}
