package io.ambient4j.istiod.xds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The delta-xDS protocol for one stream, with no I/O and no resource store: it decides what to send for each
 * client request and each batch of resource changes.
 *
 * <p>Kept apart from the gRPC plumbing (as java-control-plane and Armeria do) so every protocol rule can be
 * tested on plain values: wildcard vs explicit subscriptions, {@code *} for on-demand Address, ACK vs NACK vs
 * stale nonce, {@code initial_resource_versions} on reconnect, and {@code removed_resources}. It tracks which
 * version of each resource the client holds, so a push never repeats what the client has (including a
 * version it NACKed). Not thread-safe: one stream writer owns it.
 *
 * <p>On-demand clients may subscribe by alias (an Address's {@code <network>/<ip>}, or a Service VIP that
 * stands for the Service and its endpoints). Each requested name goes through a {@link NameResolver}; the
 * resources it stands for are sent and from then on followed like subscribed names (upstream does the same:
 * the resolved names join the subscription), and a name that stands for nothing is answered in
 * {@code removed_resources}. A later change to a resource that a requested alias now stands for (a new pod
 * behind a subscribed VIP) is pushed too.
 */
public final class DeltaStreamState {
    /** How a request was classified; drives metrics and logs. */
    public enum Outcome {
        /** First request for a type: a response is always sent. */
        INITIAL,
        /** Acknowledges the last response; nothing to send. */
        ACK,
        /** Rejects a response ({@code error_detail} set); nothing is resent. */
        NACK,
        /** Answers a nonce other than the latest and changes nothing; ignored. */
        STALE_NONCE,
        /** Adds or removes names. */
        SUBSCRIPTION_CHANGE
    }

    /** The decision for one request. */
    public record Step(Outcome outcome, Optional<DeltaResponse> response) {}

    private static final String WILDCARD = "*";

    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private final Supplier<String> nonces;
    private final Supplier<String> systemVersion;
    private final NameResolver resolver;

    /**
     * @param nonces yields a fresh, stream-unique nonce per response
     * @param systemVersion yields the server's current push version
     * @param resolver turns an on-demand name into the resource names it stands for
     */
    public DeltaStreamState(Supplier<String> nonces, Supplier<String> systemVersion, NameResolver resolver) {
        this.nonces = nonces;
        this.systemVersion = systemVersion;
        this.resolver = resolver;
    }

    /** A stream whose clients subscribe only by resource name. */
    public DeltaStreamState(Supplier<String> nonces, Supplier<String> systemVersion) {
        this(nonces, systemVersion, NameResolver.IDENTITY);
    }

    /**
     * Handles one client request.
     *
     * @param request the converted request
     * @param snapshot every current resource of a type, by name
     */
    public Step onRequest(DeltaRequest request, Function<String, Map<String, XdsResource>> snapshot) {
        String type = request.typeUrl();
        Subscription sub = subscriptions.get(type);
        if (request.isNack()) {
            if (sub != null) {
                sub.lastError = request.errorDetail().orElseThrow();
            }
            return new Step(Outcome.NACK, Optional.empty());
        }
        if (sub == null) {
            return new Step(Outcome.INITIAL, Optional.of(initial(request, snapshot.apply(type))));
        }
        if (!request.responseNonce().isEmpty() && request.responseNonce().equals(sub.lastNonce)) {
            sub.lastError = "";
        }
        Change change = sub.apply(request);
        if (change.isEmpty()) {
            boolean stale = !request.responseNonce().isEmpty()
                    && !request.responseNonce().equals(sub.lastNonce);
            return new Step(stale ? Outcome.STALE_NONCE : Outcome.ACK, Optional.empty());
        }
        Map<String, XdsResource> current = snapshot.apply(type);
        Optional<DeltaResponse> response = change.becameWildcard
                ? respond(sub, type, current, current.keySet(), List.of(), false)
                : onDemand(sub, type, current, change.added, Set.of(), List.of(), false);
        return new Step(Outcome.SUBSCRIPTION_CHANGE, response);
    }

    /**
     * Handles a batch of changes to one type: each name maps to its new resource, or empty when removed.
     *
     * @return the response to push, or empty when this client needs nothing
     */
    public Optional<DeltaResponse> onChanges(String typeUrl, Map<String, Optional<XdsResource>> changes) {
        Subscription sub = subscriptions.get(typeUrl);
        if (sub == null) {
            return Optional.empty();
        }
        List<XdsResource> upserts = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Set<String> viaAlias = null;
        for (var e : new TreeMap<>(changes).entrySet()) {
            String name = e.getKey();
            if (e.getValue().isPresent()) {
                XdsResource r = e.getValue().get();
                if (!sub.interestedIn(name) && !sub.requested.isEmpty()) {
                    if (viaAlias == null) {
                        viaAlias = resolveAll(typeUrl, sub.requested);
                    }
                    if (viaAlias.contains(name)) {
                        sub.names.add(name);
                    }
                }
                if (sub.interestedIn(name) && !r.version().equals(sub.clientHas.get(name))) {
                    upserts.add(r);
                }
            } else if (sub.clientHas.containsKey(name)) {
                removed.add(name);
            }
        }
        if (upserts.isEmpty() && removed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(send(sub, typeUrl, upserts, removed));
    }

    /** The types this stream subscribed to. */
    public Set<String> subscribedTypes() {
        return Set.copyOf(subscriptions.keySet());
    }

    /** Name → version of what the client holds for a type (for debugging and tests). */
    public Map<String, String> clientVersions(String typeUrl) {
        Subscription sub = subscriptions.get(typeUrl);
        return sub == null ? Map.of() : Map.copyOf(sub.clientHas);
    }

    /** The last NACK message for a type, empty when the last response was accepted. */
    public String lastError(String typeUrl) {
        Subscription sub = subscriptions.get(typeUrl);
        return sub == null ? "" : sub.lastError;
    }

    private DeltaResponse initial(DeltaRequest request, Map<String, XdsResource> current) {
        Subscription sub = new Subscription();
        subscriptions.put(request.typeUrl(), sub);
        sub.clientHas.putAll(request.initialResourceVersions());
        Set<String> requested = new LinkedHashSet<>(request.subscribe());
        request.unsubscribe().forEach(requested::remove);
        sub.wildcard = requested.remove(WILDCARD) || request.subscribe().isEmpty();
        if (request.unsubscribe().contains(WILDCARD)) {
            sub.wildcard = false;
        }
        // Names the client holds from a previous stream that no longer exist must be removed.
        List<String> gone = new ArrayList<>();
        Set<String> held = new LinkedHashSet<>();
        for (String known : request.initialResourceVersions().keySet()) {
            if (current.containsKey(known)) {
                held.add(known);
            } else {
                gone.add(known);
            }
        }
        if (sub.wildcard) {
            return respond(sub, request.typeUrl(), current, current.keySet(), gone, true)
                    .orElseThrow();
        }
        sub.requested.addAll(requested);
        sub.names.addAll(requested);
        sub.names.addAll(held);
        held.removeAll(requested);
        return onDemand(sub, request.typeUrl(), current, requested, held, gone, true)
                .orElseThrow();
    }

    /**
     * Answers names an on-demand client just asked for: every resource a name stands for is sent (even one
     * the client holds, so the client can match the answer to its alias) and joins the subscription; a name
     * that stands for nothing is removed. {@code held} are names the client already holds (reconnect), sent
     * only when their version differs.
     */
    private Optional<DeltaResponse> onDemand(
            Subscription sub,
            String type,
            Map<String, XdsResource> current,
            Set<String> requested,
            Set<String> held,
            List<String> alsoRemoved,
            boolean always) {
        Map<String, XdsResource> upserts = new TreeMap<>();
        Set<String> removed = new LinkedHashSet<>(alsoRemoved);
        for (String name : new TreeSet<>(held)) {
            XdsResource r = current.get(name);
            if (r != null && !r.version().equals(sub.clientHas.get(name))) {
                upserts.put(name, r);
            }
        }
        for (String name : new TreeSet<>(requested)) {
            boolean found = false;
            for (String target : resolver.resolve(type, name)) {
                XdsResource r = current.get(target);
                if (r != null) {
                    found = true;
                    sub.names.add(target);
                    upserts.put(target, r);
                }
            }
            if (!found) {
                removed.add(name);
            }
        }
        if (!always && upserts.isEmpty() && removed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(send(sub, type, new ArrayList<>(upserts.values()), new ArrayList<>(removed)));
    }

    private Set<String> resolveAll(String type, Set<String> requested) {
        Set<String> out = new HashSet<>();
        for (String name : requested) {
            out.addAll(resolver.resolve(type, name));
        }
        return out;
    }

    /**
     * Sends the wanted names that differ from what the client holds; wanted names that do not exist are
     * reported as removed so an on-demand lookup gets an answer.
     */
    private Optional<DeltaResponse> respond(
            Subscription sub,
            String type,
            Map<String, XdsResource> current,
            Set<String> wanted,
            List<String> alsoRemoved,
            boolean always) {
        List<XdsResource> upserts = new ArrayList<>();
        Set<String> removed = new LinkedHashSet<>(alsoRemoved);
        for (String name : new TreeSet<>(wanted)) {
            XdsResource r = current.get(name);
            if (r == null) {
                removed.add(name);
            } else if (!r.version().equals(sub.clientHas.get(name))) {
                upserts.add(r);
            }
        }
        if (!always && upserts.isEmpty() && removed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(send(sub, type, upserts, new ArrayList<>(removed)));
    }

    private DeltaResponse send(Subscription sub, String type, List<XdsResource> upserts, List<String> removed) {
        for (XdsResource r : upserts) {
            sub.clientHas.put(r.name(), r.version());
        }
        removed.forEach(sub.clientHas::remove);
        String nonce = nonces.get();
        sub.lastNonce = nonce;
        return new DeltaResponse(type, systemVersion.get(), nonce, upserts, removed);
    }

    /** What a later request changed in a subscription. */
    private record Change(Set<String> added, boolean becameWildcard, boolean changed) {
        boolean isEmpty() {
            return !changed;
        }
    }

    /** Per type: what the client asked for and what it holds. */
    private static final class Subscription {
        boolean wildcard;
        /** The names the client itself subscribed to (resource names or aliases). */
        final Set<String> requested = new HashSet<>();
        /** Resource names followed: the requested ones plus those the requested aliases resolved to. */
        final Set<String> names = new HashSet<>();

        final Map<String, String> clientHas = new HashMap<>();
        String lastNonce = "";
        String lastError = "";

        boolean interestedIn(String name) {
            return wildcard || names.contains(name);
        }

        Change apply(DeltaRequest request) {
            Set<String> added = new LinkedHashSet<>();
            boolean becameWildcard = false;
            boolean changed = false;
            for (String name : request.subscribe()) {
                if (WILDCARD.equals(name)) {
                    if (!wildcard) {
                        wildcard = true;
                        becameWildcard = true;
                        changed = true;
                    }
                } else if (requested.add(name)) {
                    names.add(name);
                    changed = true;
                    if (!wildcard) {
                        added.add(name);
                    }
                }
            }
            for (String name : request.unsubscribe()) {
                if (WILDCARD.equals(name)) {
                    if (wildcard) {
                        wildcard = false;
                        changed = true;
                    }
                } else if (requested.remove(name) | names.remove(name)) {
                    changed = true;
                    if (!wildcard) {
                        clientHas.remove(name);
                    }
                }
            }
            return new Change(added, becameWildcard, changed);
        }
    }
}
