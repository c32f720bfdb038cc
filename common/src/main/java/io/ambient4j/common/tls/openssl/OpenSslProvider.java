package io.ambient4j.common.tls.openssl;

import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A JCA provider with one service, {@code Cipher.AES/GCM/NoPadding}, done by OpenSSL's libcrypto ({@link
 * AesGcmCipher}). {@link #install()} puts it first in the process's provider list, so the JDK's TLS (which asks for
 * "AES/GCM/NoPadding" without naming a provider) seals and opens every record with it, while the handshake, key
 * schedule, certificates and everything else stay the JDK's. If libcrypto 3 is missing or fails its known-answer
 * check, nothing is installed and the JDK's own GCM is used: the same bytes on the wire, only slower and with more
 * garbage.
 *
 * <p>Set the system property {@value #DISABLE_PROPERTY}{@code =false} to keep the JDK's GCM.
 */
public final class OpenSslProvider extends Provider {
    /** System property that turns the OpenSSL cipher off when set to {@code false}. */
    public static final String DISABLE_PROPERTY = "ambient4j.tls.openssl";

    /** The name this provider has in {@link Security#getProviders()}. */
    public static final String NAME = "Ambient4jOpenSSL";

    /** The fetched EVP_CIPHERs, one per AES key length; fetched once (OpenSSL 3 fetches are not free). */
    static final class Ciphers {
        private final MemorySegment aes128;
        private final MemorySegment aes192;
        private final MemorySegment aes256;
        private final Provider jdk = Security.getProvider("SunJCE");

        Ciphers() {
            aes128 = LibCrypto.fetch("AES-128-GCM");
            aes192 = LibCrypto.fetch("AES-192-GCM");
            aes256 = LibCrypto.fetch("AES-256-GCM");
        }

        /** The cipher for a key of this many bytes, or null. */
        MemorySegment forKeyLength(int bytes) {
            MemorySegment c = switch (bytes) {
                case 16 -> aes128;
                case 24 -> aes192;
                case 32 -> aes256;
                default -> null;
            };
            return c == null || c.equals(MemorySegment.NULL) ? null : c;
        }

        /** The JDK's own provider, for records of {@link AesGcmCipher#JDK_FROM_BYTES} bytes and more. */
        Provider jdk() {
            return jdk;
        }

        boolean complete() {
            return jdk != null && forKeyLength(16) != null && forKeyLength(32) != null;
        }
    }

    OpenSslProvider(Ciphers ciphers) {
        super(NAME, "1.0", "AES/GCM/NoPadding from " + LibCrypto.VERSION + " through java.lang.foreign");
        putService(
                new Service(
                        this,
                        "Cipher",
                        "AES/GCM/NoPadding",
                        AesGcmCipher.class.getName(),
                        List.of(),
                        Map.of("SupportedKeyFormats", "RAW")) {
                    @Override
                    public Object newInstance(Object constructorParameter) {
                        return new AesGcmCipher(ciphers);
                    }
                });
    }

    /**
     * Makes OpenSSL the process's AES-GCM, once: idempotent and safe from several threads.
     *
     * @return what TLS records are sealed with from now on, for the start-up log: the OpenSSL version, or "JDK" and
     *     the reason OpenSSL is not used
     */
    public static String install() {
        return Installed.RESULT;
    }

    /** The JVM initialises a class once, whichever thread asks first: install() needs no lock of its own. */
    private static final class Installed {
        static final String RESULT = tryInstall();
    }

    private static String tryInstall() {
        if ("false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))) {
            return "JDK (" + DISABLE_PROPERTY + "=false)";
        }
        String missing = unavailable();
        if (missing != null) {
            return "JDK (" + missing + ")";
        }
        Ciphers ciphers = new Ciphers();
        if (!ciphers.complete()) {
            return "JDK (" + LibCrypto.VERSION + " has no AES-128-GCM or AES-256-GCM, or the JDK has no SunJCE)";
        }
        OpenSslProvider p = new OpenSslProvider(ciphers);
        String failed = knownAnswers(p);
        if (failed != null) {
            return "JDK (" + LibCrypto.VERSION + " failed the AES-GCM known-answer check: " + failed + ")";
        }
        Security.insertProviderAt(p, 1);
        return LibCrypto.VERSION;
    }

    /**
     * Prints what {@link #install()} would choose on this host, e.g. inside an image: {@code java -cp <the image's class
     * path> io.ambient4j.common.tls.openssl.OpenSslProvider}.
     */
    public static void main(String[] args) {
        System.out.println(install());
    }

    /** Null if libcrypto 3 is bound, else why not (not Linux, library absent, a symbol missing). */
    static String unavailable() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return "not Linux";
        }
        try {
            return LibCrypto.VERSION.isEmpty() ? "OpenSSL_version is empty" : null;
        } catch (ExceptionInInitializerError e) {
            return LibCrypto.SONAME + ": " + e.getCause();
        } catch (NoClassDefFoundError e) {
            return LibCrypto.SONAME + " failed to bind earlier: " + e.getMessage();
        }
    }

    /**
     * Vectors from the GCM specification (McGrew and Viega, test cases 2 and 14: zero key, zero nonce, one zero
     * block), sealed and opened, and one tampered tag that must be refused. Null if all pass, else what failed.
     */
    static String knownAnswers(Provider p) {
        try {
            String c2 = seal(p, new byte[16], "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
            String c14 = seal(p, new byte[32], "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
            if (c2 != null || c14 != null) {
                return c2 != null ? c2 : c14;
            }
            byte[] sealed = HexFormat.of().parseHex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
            sealed[31] ^= 1;
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
            c.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(new byte[16], "AES"),
                    new GCMParameterSpec(128, new byte[12]));
            try {
                c.doFinal(sealed);
                return "a tampered tag was accepted";
            } catch (javax.crypto.AEADBadTagException expected) {
                return null;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            return e.toString();
        }
    }

    private static String seal(Provider p, byte[] key, String expectedHex) throws GeneralSecurityException {
        SecretKeySpec k = new SecretKeySpec(key, "AES");
        GCMParameterSpec nonce = new GCMParameterSpec(128, new byte[12]);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
        c.init(Cipher.ENCRYPT_MODE, k, nonce);
        String got = HexFormat.of().formatHex(c.doFinal(new byte[16]));
        if (!got.equals(expectedHex)) {
            return "AES-" + key.length * 8 + " sealed to " + got;
        }
        c.init(Cipher.DECRYPT_MODE, k, nonce);
        byte[] opened = c.doFinal(HexFormat.of().parseHex(expectedHex));
        return opened.length == 16 && java.util.Arrays.equals(opened, new byte[16])
                ? null
                : "AES-" + key.length * 8 + " did not open to its plaintext";
    }
}
