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

    /**
     * @param nonces yields a fresh, stream-unique nonce per response
     * @param systemVersion yields the server's current push version
     */
    public DeltaStreamState(Supplier<String> nonces, Supplier<String> systemVersion) {
        this.nonces = nonces;
        this.systemVersion = systemVersion;
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
        Set<String> wanted = change.becameWildcard ? current.keySet() : change.added;
        return new Step(Outcome.SUBSCRIPTION_CHANGE, respond(sub, type, current, wanted, List.of(), false));
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
        for (var e : new TreeMap<>(changes).entrySet()) {
            String name = e.getKey();
            if (e.getValue().isPresent()) {
                XdsResource r = e.getValue().get();
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
        Set<String> names = new LinkedHashSet<>(request.subscribe());
        names.addAll(request.initialResourceVersions().keySet());
        request.unsubscribe().forEach(names::remove);
        sub.wildcard = names.remove(WILDCARD) || request.subscribe().isEmpty();
        if (request.unsubscribe().contains(WILDCARD)) {
            sub.wildcard = false;
        }
        if (!sub.wildcard) {
            sub.names.addAll(names);
        }
        Set<String> wanted = sub.wildcard ? current.keySet() : sub.names;
        // Names the client holds from a previous stream that no longer exist must be removed.
        List<String> gone = new ArrayList<>();
        for (String known : request.initialResourceVersions().keySet()) {
            if (!current.containsKey(known)) {
                gone.add(known);
            }
        }
        return respond(sub, request.typeUrl(), current, wanted, gone, true).orElseThrow();
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
                } else if (names.add(name)) {
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
                } else if (names.remove(name)) {
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
