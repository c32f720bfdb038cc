package io.ambient4j.istiod.ambient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/**
 * Auto-allocated VIPs (240.240.0.0/16) for ServiceEntry hosts that have no address. Each host starts at a
 * slot derived from a hash of {@code ns/name/host}, so the same host gets the same VIP across restarts; a
 * slot already held by another host moves the newcomer to the next free one, so two hosts never share a
 * VIP. {@link #PURE} is the stateless variant (hash only) for one-off translations.
 */
public interface VipAllocator {
    /** The VIP (4 bytes) for {@code hostKey} = {@code ns/name/host}. */
    byte[] allocate(String hostKey);

    /** Hash only: deterministic, no collision handling. */
    VipAllocator PURE = hostKey -> toAddress(startSlot(hostKey));

    /** The first slot tried for a host: 16 bits of SHA-256, avoiding .0 and .255 host parts. */
    static int startSlot(String hostKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(hostKey.getBytes(StandardCharsets.UTF_8));
            return usable(((h[0] & 0xFF) << 8) | (h[1] & 0xFF));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }

    private static int usable(int slot) {
        int s = slot & 0xFFFF;
        int fourth = s & 0xFF;
        if (fourth == 0) {
            return s + 1;
        }
        if (fourth == 255) {
            return (s + 2) & 0xFFFF;
        }
        return s;
    }

    static byte[] toAddress(int slot) {
        return new byte[] {(byte) 240, (byte) 240, (byte) (slot >> 8), (byte) slot};
    }

    /** The collision-free table the index uses (writer thread only). */
    final class Table implements VipAllocator {
        private final Map<Integer, String> bySlot = new HashMap<>();
        private final Map<String, Integer> byHost = new HashMap<>();

        @Override
        public byte[] allocate(String hostKey) {
            Integer held = byHost.get(hostKey);
            if (held != null) {
                return toAddress(held);
            }
            int slot = startSlot(hostKey);
            for (int i = 0; i < 0x10000; i++) {
                int candidate = usable(slot + i);
                if (!bySlot.containsKey(candidate)) {
                    bySlot.put(candidate, hostKey);
                    byHost.put(hostKey, candidate);
                    return toAddress(candidate);
                }
            }
            throw new TranslationException(
                    TranslationException.Reason.INVALID_ADDRESS, "no free auto-allocated VIP left for " + hostKey);
        }

        /** Frees the VIPs of hosts under {@code prefix} (e.g. {@code ns/name/}) that are not in {@code keep}. */
        public void retainOnly(String prefix, java.util.Set<String> keep) {
            byHost.entrySet().removeIf(e -> {
                if (e.getKey().startsWith(prefix) && !keep.contains(e.getKey())) {
                    bySlot.remove(e.getValue());
                    return true;
                }
                return false;
            });
        }
    }
}
