package io.ambient4j.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ambient4j.common.identity.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CSRs arrive from the network: whatever bytes come in, the CA answers with a signed leaf or a
 * {@link CsrException}, never another exception. Bounded and seeded, so failures reproduce.
 */
class CsrFuzzTest {

    private static final SpiffeId ID = SpiffeId.of("", "default", "fuzz");
    private static final int ROUNDS = 3000;

    @Test
    void randomAndMutatedCsrsOnlyEverYieldCsrException() {
        MeshCa ca = MeshCa.generateSelfSigned("cluster.local", Duration.ofDays(1));
        byte[] valid = Pem.blocks(Csr.create(ID).csrPem()).getFirst().der();
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<CsrException.Reason, Integer> seen = new EnumMap<>(CsrException.Reason.class);
        int signed = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String pem = input(random, valid, round);
            try {
                ca.signCsr(pem, ID, Duration.ZERO);
                signed++;
            } catch (CsrException e) {
                seen.merge(e.reason(), 1, Integer::sum);
            } catch (Throwable t) {
                fail("seed " + seed + " round " + round + ": " + t + " for input\n" + pem, t);
            }
            try {
                Csr.requestedIdentity(pem);
            } catch (CsrException e) {
                // expected for nearly every input
            } catch (Throwable t) {
                fail("requestedIdentity, seed " + seed + " round " + round + ": " + t + " for input\n" + pem, t);
            }
        }
        // The mutations must reach deep enough to exercise the parser, the key check and the signature.
        assertThat(seen).containsKeys(CsrException.Reason.MALFORMED, CsrException.Reason.BAD_SIGNATURE);
        assertThat(signed).isLessThan(ROUNDS / 10);
    }

    private static String input(Random random, byte[] valid, int round) {
        return switch (round % 6) {
            case 0 -> { // random bytes in a CSR block
                byte[] b = new byte[random.nextInt(600)];
                random.nextBytes(b);
                yield Pem.encode(Pem.CERTIFICATE_REQUEST, b);
            }
            case 1 -> { // a few flipped bytes
                byte[] b = valid.clone();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                }
                yield Pem.encode(Pem.CERTIFICATE_REQUEST, b);
            }
            case 2 -> Pem.encode(Pem.CERTIFICATE_REQUEST, Arrays.copyOf(valid, random.nextInt(valid.length)));
            case 3 -> { // inserted or deleted byte (shifts every later TLV)
                int at = random.nextInt(valid.length);
                byte[] b;
                if (random.nextBoolean()) {
                    b = new byte[valid.length + 1];
                    System.arraycopy(valid, 0, b, 0, at);
                    b[at] = (byte) random.nextInt(256);
                    System.arraycopy(valid, at, b, at + 1, valid.length - at);
                } else {
                    b = new byte[valid.length - 1];
                    System.arraycopy(valid, 0, b, 0, at);
                    System.arraycopy(valid, at + 1, b, at, valid.length - at - 1);
                }
                yield Pem.encode(Pem.CERTIFICATE_REQUEST, b);
            }
            case 4 -> { // length bytes set to extreme values
                byte[] b = valid.clone();
                int at = random.nextInt(b.length);
                b[at] = (byte) (random.nextBoolean() ? 0x84 : 0xff);
                yield Pem.encode(Pem.CERTIFICATE_REQUEST, b);
            }
            default -> { // mangled PEM text
                char[] text = Pem.encode(Pem.CERTIFICATE_REQUEST, valid).toCharArray();
                text[random.nextInt(text.length)] = (char) random.nextInt(128);
                byte[] raw = new String(text).getBytes(StandardCharsets.ISO_8859_1);
                yield new String(raw, StandardCharsets.ISO_8859_1);
            }
        };
    }
}
