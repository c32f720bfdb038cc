package io.ambient4j.common.tls.openssl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The only place that binds OpenSSL 3's libcrypto through {@code java.lang.foreign}, as {@code common.net.Libc} is
 * for libc: the EVP cipher calls that AES-GCM needs, nothing else. The handles are static finals so the JIT inlines
 * the downcalls into the record path (and can then keep the heap segments passed to them off the heap). The library is
 * optional: if it is missing, initialising this class fails, and {@link OpenSslProvider#install()} turns that into a
 * reason for the log and keeps the JDK's GCM.
 *
 * <p>The calls that read or write record bytes are bound with {@code Linker.Option.critical(true)}, so they take Java
 * heap arrays directly (no copy into native memory): each works on one TLS record, microseconds at most, during which
 * the garbage collector waits.
 */
@SuppressWarnings("restricted") // This class is the one place allowed to bind libcrypto.
final class LibCrypto {
    static final int EVP_CTRL_AEAD_SET_IVLEN = 0x9;
    static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    static final int EVP_CTRL_AEAD_SET_TAG = 0x11;

    /** The soname of OpenSSL 3 (Debian's libssl3 / libssl3t64). */
    static final String SONAME = "libcrypto.so.3";

    /**
     * OPENSSL_init_crypto options: no atexit handler (OpenSSL's cleanup at process exit would free contexts that JVM
     * threads may still be using while the JVM shuts down), no system openssl.cnf (the cipher must not change with
     * the host's configuration), and none of the error strings or cipher and digest name tables the EVP calls here
     * never need (less memory).
     */
    static final long INIT_OPTIONS = 0x00080000L // OPENSSL_INIT_NO_ATEXIT
            | 0x00000080L // OPENSSL_INIT_NO_LOAD_CONFIG
            | 0x00000001L // OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS
            | 0x00000010L // OPENSSL_INIT_NO_ADD_ALL_CIPHERS
            | 0x00000020L; // OPENSSL_INIT_NO_ADD_ALL_DIGESTS

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = SymbolLookup.libraryLookup(SONAME, Arena.global());

    static {
        MethodHandle initCrypto = bind("OPENSSL_init_crypto", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        int ok;
        try {
            ok = (int) initCrypto.invokeExact(INIT_OPTIONS, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("OPENSSL_init_crypto failed", t);
        }
        if (ok != 1) {
            throw new IllegalStateException("OPENSSL_init_crypto returned " + ok);
        }
    }

    static final MethodHandle CTX_NEW = bind("EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle CTX_FREE = bind("EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle CIPHER_FETCH =
            bind("EVP_CIPHER_fetch", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    /**
     * int EVP_CipherInit_ex2(ctx, const EVP_CIPHER *, const unsigned char *key, const unsigned char *iv, int enc, const
     * OSSL_PARAM params[]): key and iv may be heap arrays.
     */
    static final MethodHandle INIT = bindCritical(
            "EVP_CipherInit_ex2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    /** int EVP_CIPHER_CTX_ctrl(ctx, int type, int arg, void *ptr): ptr may be the tag in a heap array. */
    static final MethodHandle CTRL =
            bindCritical("EVP_CIPHER_CTX_ctrl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    /** int EVP_CipherUpdate(ctx, unsigned char *out, int *outl, const unsigned char *in, int inl). */
    static final MethodHandle UPDATE = bindCritical(
            "EVP_CipherUpdate", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
    /** int EVP_CipherFinal_ex(ctx, unsigned char *out, int *outl). */
    static final MethodHandle FINAL =
            bindCritical("EVP_CipherFinal_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    /** What {@code OpenSSL_version(OPENSSL_VERSION)} says, e.g. "OpenSSL 3.0.19 27 Jan 2026". */
    static final String VERSION = version();

    private LibCrypto() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIB.findOrThrow(name), fd);
    }

    private static MethodHandle bindCritical(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIB.findOrThrow(name), fd, Linker.Option.critical(true));
    }

    private static String version() {
        MethodHandle versionOf = bind("OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        try {
            return ((MemorySegment) versionOf.invokeExact(0)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL_version failed", t);
        }
    }

    /** A fetched EVP_CIPHER, e.g. "AES-256-GCM", or NULL if this libcrypto lacks it. */
    static MemorySegment fetch(String name) {
        try (Arena a = Arena.ofConfined()) {
            return (MemorySegment)
                    CIPHER_FETCH.invokeExact(MemorySegment.NULL, a.allocateFrom(name), MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("EVP_CIPHER_fetch failed", t);
        }
    }

    static MemorySegment newContext() {
        MemorySegment ctx;
        try {
            ctx = (MemorySegment) CTX_NEW.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("EVP_CIPHER_CTX_new failed", t);
        }
        if (ctx.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("EVP_CIPHER_CTX_new returned NULL");
        }
        return ctx;
    }

    static void freeContext(long address) {
        try {
            CTX_FREE.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException("EVP_CIPHER_CTX_free failed", t);
        }
    }
}
