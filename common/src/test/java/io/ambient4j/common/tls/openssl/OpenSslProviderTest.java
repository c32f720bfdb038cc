package io.ambient4j.common.tls.openssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.testing.TestPki;
import io.ambient4j.common.tls.CertifiedKey;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenSSL's AES-GCM as the JDK's TLS record cipher: byte-for-byte the JDK's own GCM (SunJCE) on random keys, nonces,
 * AAD and lengths, the exact calls TLS 1.3 makes (in place, one init per record), tag failures, nonce-reuse refusal,
 * and a real mutual TLS 1.3 connection that carries its bytes through it. Needs libcrypto.so.3 (Debian's libssl3,
 * which .ci/run's {@code openssl} package brings): without it these tests fail, they do not skip.
 */
class OpenSslProviderTest {
    private static final String GCM = "AES/GCM/NoPadding";
    private static Provider openssl;
    private static Provider jdk;

    @BeforeAll
    static void bind() {
        assertThat(OpenSslProvider.unavailable())
                .as("libcrypto.so.3 must be loadable")
                .isNull();
        openssl = new OpenSslProvider(new OpenSslProvider.Ciphers());
        jdk = Security.getProvider("SunJCE");
    }

    @Test
    void knownAnswersFromTheGcmSpecificationPass() {
        assertThat(OpenSslProvider.knownAnswers(openssl)).isNull();
        assertThat(OpenSslProvider.knownAnswers(jdk))
                .as("the vectors themselves")
                .isNull();
    }

    @Test
    void sealsAndOpensExactlyAsTheJdkDoes() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        int[] lengths = {0, 1, 15, 16, 17, 255, 1024, 4096, 16384, 16401, 65536};
        for (int keyLen : new int[] {16, 24, 32}) {
            for (int len : lengths) {
                byte[] key = bytes(rnd, keyLen);
                byte[] nonce = bytes(rnd, rnd.nextInt(3) == 0 ? 16 : 12);
                byte[] aad = bytes(rnd, rnd.nextInt(0, 40));
                byte[] plain = bytes(rnd, len);
                int tagBits = rnd.nextInt(2) == 0 ? 128 : 96;
                byte[] expected = run(jdk, Cipher.ENCRYPT_MODE, key, nonce, tagBits, aad, plain);
                byte[] sealed = run(openssl, Cipher.ENCRYPT_MODE, key, nonce, tagBits, aad, plain);
                assertThat(sealed).as("sealed, key %d, length %d", keyLen, len).isEqualTo(expected);
                assertThat(run(openssl, Cipher.DECRYPT_MODE, key, nonce, tagBits, aad, sealed))
                        .isEqualTo(plain);
            }
        }
    }

    @Test
    void tlsRecordCallsWorkInPlaceOneInitPerRecord() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        SecretKeySpec key = new SecretKeySpec(bytes(rnd, 32), "AES");
        byte[] ivBase = bytes(rnd, 12);
        Cipher seal = Cipher.getInstance(GCM, openssl);
        Cipher open = Cipher.getInstance(GCM, openssl);
        Cipher reference = Cipher.getInstance(GCM, jdk);
        for (int seq = 0; seq < 200; seq++) {
            byte[] nonce = ivBase.clone();
            nonce[11] ^= (byte) seq;
            nonce[10] ^= (byte) (seq >> 8);
            GCMParameterSpec spec = new GCMParameterSpec(128, nonce);
            int len = rnd.nextInt(0, 16385);
            byte[] record = new byte[5 + len + 16 + 7]; // header, data, room for the tag, slack
            byte[] plain = bytes(rnd, len);
            System.arraycopy(plain, 0, record, 5, len);
            byte[] aad = {23, 3, 3, (byte) ((len + 16) >> 8), (byte) (len + 16)};

            // as SSLCipher's T13 GCM write cipher: duplicate, widen the limit for the tag, doFinal(dup, bb)
            ByteBuffer bb = ByteBuffer.wrap(record, 5, len);
            seal.init(Cipher.ENCRYPT_MODE, key, spec);
            assertThat(seal.getOutputSize(len)).isEqualTo(len + 16);
            seal.updateAAD(aad);
            ByteBuffer dup = bb.duplicate();
            bb.limit(5 + len + 16);
            assertThat(seal.doFinal(dup, bb)).isEqualTo(len + 16);
            reference.init(Cipher.ENCRYPT_MODE, key, spec);
            reference.updateAAD(aad);
            assertThat(Arrays.copyOfRange(record, 5, 5 + len + 16))
                    .as("record %d", seq)
                    .isEqualTo(reference.doFinal(plain));

            // as the T13 GCM read cipher: doFinal(bb, bb.duplicate()) over the same bytes
            ByteBuffer in = ByteBuffer.wrap(record, 5, len + 16);
            ByteBuffer out = in.duplicate();
            open.init(Cipher.DECRYPT_MODE, key, spec);
            open.updateAAD(aad);
            assertThat(open.doFinal(in, out)).isEqualTo(len);
            assertThat(Arrays.copyOfRange(record, 5, 5 + len)).isEqualTo(plain);
        }
    }

    @Test
    void aTamperedRecordIsRefusedAndItsPlaintextWiped() throws Exception {
        tamper("attack at dawn, all of it".getBytes());
    }

    @Test
    void aTamperedLargeRecordIsRefusedByTheJdkPathToo() throws Exception {
        byte[] plain = new byte[AesGcmCipher.JDK_FROM_BYTES + 100];
        new SplittableRandom(5).nextBytes(plain);
        tamper(plain);
    }

    private static void tamper(byte[] plain) throws Exception {
        SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
        GCMParameterSpec spec = new GCMParameterSpec(128, new byte[12]);
        Cipher c = Cipher.getInstance(GCM, openssl);
        c.init(Cipher.ENCRYPT_MODE, key, spec);
        byte[] sealed = c.doFinal(plain);
        for (int flip : new int[] {0, plain.length - 1, plain.length, sealed.length - 1}) {
            byte[] bad = sealed.clone();
            bad[flip] ^= 0x40;
            c.init(Cipher.DECRYPT_MODE, key, spec);
            byte[] out = new byte[plain.length];
            assertThatThrownBy(() -> c.doFinal(bad, 0, bad.length, out, 0)).isInstanceOf(AEADBadTagException.class);
            assertThat(out).as("no unauthenticated plaintext left behind").containsOnly(0);
        }
        c.init(Cipher.DECRYPT_MODE, key, spec);
        assertThatThrownBy(() -> c.doFinal(new byte[15]))
                .isInstanceOf(AEADBadTagException.class)
                .hasMessageContaining("shorter than the 16-byte tag");
        // the same cipher still opens a good record afterwards, and again with the same nonce
        assertThat(c.doFinal(sealed)).isEqualTo(plain);
        assertThat(c.doFinal(sealed)).isEqualTo(plain);
    }

    @Test
    void encryptionRefusesANonceReusedUnderTheSameKeyAndNeedsAnInitEachTime() throws Exception {
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        GCMParameterSpec spec = new GCMParameterSpec(128, new byte[12]);
        Cipher c = Cipher.getInstance(GCM, openssl);
        c.init(Cipher.ENCRYPT_MODE, key, spec);
        c.doFinal(new byte[3]);
        assertThatThrownBy(() -> c.doFinal(new byte[3]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initialise again");
        assertThatThrownBy(() -> c.init(Cipher.ENCRYPT_MODE, key, spec)).hasMessageContaining("must not be reused");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertThat(c.doFinal(new byte[3])).hasSize(19);
        // without parameters an encryption picks a random nonce and reports it
        c.init(Cipher.ENCRYPT_MODE, key, new SecureRandom());
        assertThat(c.getIV()).hasSize(12);
        assertThatThrownBy(() -> c.init(Cipher.DECRYPT_MODE, key)).hasMessageContaining("needs its nonce");
        assertThatThrownBy(() -> c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[20], "AES"), spec))
                .hasMessageContaining("16, 24 or 32 bytes");
    }

    @Test
    void dataGivenToUpdateIsHeldUntilDoFinal() throws Exception {
        SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
        GCMParameterSpec spec = new GCMParameterSpec(128, new byte[12]);
        byte[] plain = new byte[100];
        new SplittableRandom(3).nextBytes(plain);
        Cipher c = Cipher.getInstance(GCM, openssl);
        c.init(Cipher.ENCRYPT_MODE, key, spec);
        c.updateAAD(new byte[] {1, 2, 3});
        assertThat(c.update(plain, 0, 60)).isEmpty();
        byte[] sealed = c.doFinal(plain, 60, 40);
        assertThat(sealed)
                .isEqualTo(run(jdk, Cipher.ENCRYPT_MODE, new byte[16], new byte[12], 128, new byte[] {1, 2, 3}, plain));
        c.init(Cipher.DECRYPT_MODE, key, spec);
        c.updateAAD(new byte[] {1, 2, 3});
        assertThat(c.update(sealed, 0, 50)).isEmpty();
        assertThat(c.doFinal(sealed, 50, sealed.length - 50)).isEqualTo(plain);
    }

    @Test
    void mutualTls13CarriesItsRecordsThroughOpenSsl() throws Exception {
        String used = OpenSslProvider.install();
        assertThat(used).startsWith("OpenSSL 3");
        assertThat(OpenSslProvider.install()).as("idempotent").isEqualTo(used);
        assertThat(Security.getProviders()[0].getName()).isEqualTo(OpenSslProvider.NAME);

        TestPki pki = TestPki.create();
        SpiffeId clientId = SpiffeId.of("", "default", "sleep");
        SpiffeId serverId = SpiffeId.of("", "default", "httpbin");
        CertifiedKey client = pki.issue(clientId);
        CertifiedKey server = pki.issue(serverId);
        long before = AesGcmCipher.created();
        byte[] payload = new byte[1 << 20];
        new SplittableRandom(9).nextBytes(payload);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                SSLServerSocket listener = (SSLServerSocket) pki.serverContext(server)
                        .getServerSocketFactory()
                        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(30_000);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[7000];
                    int total = 0;
                    while (total < payload.length) {
                        int n = in.read(buf);
                        out.write(buf, 0, n);
                        total += n;
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket s = (SSLSocket)
                    pki.clientContext(client, serverId).getSocketFactory().createSocket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                s.setSoTimeout(30_000);
                s.startHandshake();
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
                CompletableFuture<Void> writer = CompletableFuture.runAsync(
                        () -> {
                            try {
                                OutputStream out = s.getOutputStream();
                                for (int off = 0; off < payload.length; off += 3001) {
                                    out.write(payload, off, Math.min(3001, payload.length - off));
                                }
                                out.flush();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        threads);
                byte[] back = new byte[payload.length];
                new DataInputStream(s.getInputStream()).readFully(back);
                writer.get(30, TimeUnit.SECONDS);
                assertThat(back).isEqualTo(payload);
            }
            echo.get(30, TimeUnit.SECONDS);
        }
        // handshake and application keys, each direction, both ends
        assertThat(AesGcmCipher.created() - before).isGreaterThanOrEqualTo(4);
    }

    @Test
    void contextsOfUnreachableCiphersAreFreed() throws Exception {
        for (int i = 0; i < 2000; i++) {
            Cipher.getInstance(GCM, openssl)
                    .init(
                            Cipher.ENCRYPT_MODE,
                            new SecretKeySpec(new byte[16], "AES"),
                            new GCMParameterSpec(128, new byte[12]));
        }
        int left = AesGcmCipher.contexts();
        for (int i = 0; i < 50 && left >= 1000; i++) {
            System.gc();
            Thread.sleep(20);
            Cipher.getInstance(GCM, openssl)
                    .init(
                            Cipher.ENCRYPT_MODE,
                            new SecretKeySpec(new byte[16], "AES"),
                            new GCMParameterSpec(128, new byte[12]));
            left = AesGcmCipher.contexts();
        }
        assertThat(left)
                .as("OpenSSL contexts still held after 2,000 ciphers were dropped")
                .isLessThan(1000);
    }

    private static byte[] run(Provider p, int mode, byte[] key, byte[] nonce, int tagBits, byte[] aad, byte[] in)
            throws Exception {
        Cipher c = Cipher.getInstance(GCM, p);
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagBits, nonce));
        c.updateAAD(aad);
        return c.doFinal(in);
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
