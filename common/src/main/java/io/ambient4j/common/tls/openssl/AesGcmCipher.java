package io.ambient4j.common.tls.openssl;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;

/**
 * {@code AES/GCM/NoPadding} on one reused OpenSSL {@code EVP_CIPHER_CTX}. The JDK's TLS record layer initialises its
 * cipher once per record with a fresh nonce; the JDK's own GCM builds new engine objects on every such init (GHASH
 * tables, counter blocks, copies of the key: about 60 % of all the bytes a busy ztunnel allocated, bench/RESULTS.md),
 * which sets the young-collection cadence and so the latency tail. Here a re-init with the same key object only sets
 * the nonce in the existing context, and the record is encrypted or decrypted in place in its heap array, so a record
 * allocates nothing.
 *
 * <p>Records of {@value #JDK_FROM_BYTES} bytes and more go to the JDK's own GCM instead: its AVX-512 code is faster
 * per byte than OpenSSL 3.0's (a record sealed and opened: 16 KiB 5.7 against 8.0 µs, 8 KiB 3.3 against 4.4 µs,
 * 4 KiB 2.4 against 2.7 µs, 1 KiB the same; bench/RESULTS.md), and a bulk transfer makes few records per byte, so
 * its garbage matters little there. Small records, where the allocation is per message, stay on OpenSSL.
 *
 * <p>Semantics follow the JDK's GCM where TLS and other callers can tell: data given to {@code update} is held until
 * {@code doFinal} (a decryption never releases unauthenticated plaintext, and a failed tag check zeroes the output
 * and throws {@link AEADBadTagException}); an encryption must be re-initialised before the next one, and not with the
 * nonce it just used under the same key; a decryption may be repeated with the same nonce.
 */
final class AesGcmCipher extends CipherSpi {
    /**
     * Contexts of ciphers the collector found unreachable, freed when the next cipher is made (ciphers are made per
     * connection and key): no cleaner thread for a process that counts its threads and megabytes.
     */
    private static final ReferenceQueue<AesGcmCipher> DEAD = new ReferenceQueue<>();
    /** Keeps the phantom references themselves reachable until their context is freed. */
    private static final Set<ContextRef> LIVE = ConcurrentHashMap.newKeySet();

    private static final int BLOCK = 16;
    private static final int DEFAULT_IV_LENGTH = 12;
    /** Records with this much data or more are sealed and opened by the JDK's GCM (see the class comment). */
    static final int JDK_FROM_BYTES = 8192;
    /** Contexts made so far: the tests' proof that the JDK's TLS really came here. */
    private static final java.util.concurrent.atomic.LongAdder CREATED = new java.util.concurrent.atomic.LongAdder();

    private final OpenSslProvider.Ciphers ciphers;
    private final MemorySegment ctx;
    private final MemorySegment outLength;
    private final byte[] tag = new byte[BLOCK];

    private Key key;
    private boolean encrypt;
    private byte[] iv;
    private int ivLengthInContext = DEFAULT_IV_LENGTH;
    private byte[] lastEncryptionIv;
    private int tagLength = BLOCK;
    private State state = State.UNINITIALISED;
    private byte[] pending = new byte[0];
    private int pendingLength;
    private byte[] aad = new byte[16];
    private int aadLength;
    private Cipher large;

    private enum State {
        UNINITIALISED,
        /** Key and nonce known; AAD and data may follow. */
        READY,
        /** An encryption finished: only a new init may follow. */
        SPENT
    }

    AesGcmCipher(OpenSslProvider.Ciphers ciphers) {
        this.ciphers = ciphers;
        this.ctx = LibCrypto.newContext();
        this.outLength = Arena.ofAuto().allocate(JAVA_INT);
        freeDead();
        LIVE.add(new ContextRef(this, ctx.address()));
        CREATED.increment();
    }

    /** A cipher's context address, to free once the cipher is unreachable. */
    private static final class ContextRef extends PhantomReference<AesGcmCipher> {
        private final long address;

        ContextRef(AesGcmCipher cipher, long address) {
            super(cipher, DEAD);
            this.address = address;
        }
    }

    private static void freeDead() {
        for (Reference<?> r; (r = DEAD.poll()) != null; ) {
            ContextRef dead = (ContextRef) r;
            if (LIVE.remove(dead)) {
                LibCrypto.freeContext(dead.address);
            }
        }
    }

    /** Contexts not yet freed (those of live ciphers and of dead ones not yet drained): for the tests. */
    static int contexts() {
        freeDead();
        return LIVE.size();
    }

    static long created() {
        return CREATED.sum();
    }

    @Override
    protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
        if (!"GCM".equalsIgnoreCase(mode)) {
            throw new NoSuchAlgorithmException("only GCM mode is supported, not " + mode);
        }
    }

    @Override
    protected void engineSetPadding(String padding) throws NoSuchPaddingException {
        if (!"NoPadding".equalsIgnoreCase(padding)) {
            throw new NoSuchPaddingException("GCM takes no padding, not " + padding);
        }
    }

    @Override
    protected int engineGetBlockSize() {
        return BLOCK;
    }

    @Override
    protected int engineGetOutputSize(int inputLen) {
        int total = pendingLength + inputLen;
        return encrypt ? total + tagLength : Math.max(0, total - tagLength);
    }

    @Override
    protected byte[] engineGetIV() {
        return iv == null ? null : iv.clone();
    }

    @Override
    protected AlgorithmParameters engineGetParameters() {
        if (iv == null) {
            return null;
        }
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("GCM");
            p.init(new GCMParameterSpec(tagLength * 8, iv));
            return p;
        } catch (NoSuchAlgorithmException | InvalidParameterSpecException e) {
            throw new IllegalStateException("the JDK has no GCM parameters", e);
        }
    }

    @Override
    protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
        if (opmode != Cipher.ENCRYPT_MODE) {
            throw new InvalidKeyException("a GCM decryption needs its nonce: pass a GCMParameterSpec");
        }
        byte[] nonce = new byte[DEFAULT_IV_LENGTH];
        (random == null ? new SecureRandom() : random).nextBytes(nonce);
        try {
            init(opmode, key, nonce, BLOCK);
        } catch (InvalidAlgorithmParameterException e) {
            throw new InvalidKeyException(e.getMessage(), e);
        }
    }

    @Override
    protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (params == null) {
            engineInit(opmode, key, random);
            return;
        }
        if (!(params instanceof GCMParameterSpec gcm)) {
            throw new InvalidAlgorithmParameterException(
                    "GCM takes a GCMParameterSpec, not " + params.getClass().getName());
        }
        int bits = gcm.getTLen();
        if (bits < 96 || bits > 128 || bits % 8 != 0) {
            throw new InvalidAlgorithmParameterException(
                    "GCM tag length must be 96-128 bits in whole bytes, not " + bits);
        }
        init(opmode, key, gcm.getIV(), bits / 8);
    }

    @Override
    protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (params == null) {
            engineInit(opmode, key, random);
            return;
        }
        try {
            engineInit(opmode, key, params.getParameterSpec(GCMParameterSpec.class), random);
        } catch (InvalidParameterSpecException e) {
            throw new InvalidAlgorithmParameterException("not GCM parameters", e);
        }
    }

    private void init(int opmode, Key newKey, byte[] nonce, int newTagLength)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (opmode != Cipher.ENCRYPT_MODE && opmode != Cipher.DECRYPT_MODE) {
            throw new InvalidKeyException("only ENCRYPT_MODE and DECRYPT_MODE are supported");
        }
        if (nonce.length == 0) {
            throw new InvalidAlgorithmParameterException("GCM nonce must not be empty");
        }
        boolean forEncryption = opmode == Cipher.ENCRYPT_MODE;
        if (newKey != key) {
            keyContext(newKey);
            lastEncryptionIv = null;
        } else if (forEncryption && Arrays.equals(nonce, lastEncryptionIv)) {
            throw new InvalidAlgorithmParameterException("a GCM nonce must not be reused for encryption under a key");
        }
        if (nonce.length != ivLengthInContext) {
            check(ctrl(LibCrypto.EVP_CTRL_AEAD_SET_IVLEN, nonce.length, MemorySegment.NULL), "set nonce length");
            ivLengthInContext = nonce.length;
        }
        encrypt = forEncryption;
        iv = nonce;
        tagLength = newTagLength;
        if (forEncryption) {
            lastEncryptionIv = nonce;
        }
        pendingLength = 0;
        aadLength = 0;
        state = State.READY;
    }

    /** Keys the context (the AES key schedule is built here, once per key object). */
    private void keyContext(Key newKey) throws InvalidKeyException {
        if (newKey == null || !"RAW".equalsIgnoreCase(newKey.getFormat())) {
            throw new InvalidKeyException("an AES key in RAW format is required");
        }
        byte[] raw = newKey.getEncoded();
        try {
            MemorySegment cipher = ciphers.forKeyLength(raw.length);
            if (cipher == null) {
                throw new InvalidKeyException("AES keys are 16, 24 or 32 bytes, not " + raw.length);
            }
            state = State.UNINITIALISED;
            key = null;
            int ok = callInit(cipher, MemorySegment.ofArray(raw), MemorySegment.NULL, 1);
            if (ok != 1) {
                throw new InvalidKeyException("OpenSSL refused the AES key");
            }
            ivLengthInContext = DEFAULT_IV_LENGTH;
            key = newKey;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private void checkReady() {
        switch (state) {
            case READY -> {}
            case UNINITIALISED -> throw new IllegalStateException("cipher not initialised");
            case SPENT ->
                throw new IllegalStateException(
                        "GCM encryption finished: initialise again with a new nonce before the next one");
        }
    }

    /** Starts an OpenSSL operation: the nonce and direction into the keyed context, then the AAD. */
    private void beginOpenSsl() {
        check(
                callInit(MemorySegment.NULL, MemorySegment.NULL, MemorySegment.ofArray(iv), encrypt ? 1 : 0),
                "set nonce");
        if (aadLength > 0) {
            check(
                    callUpdate(MemorySegment.NULL, MemorySegment.ofArray(aad).asSlice(0, aadLength), aadLength),
                    "add AAD");
        }
    }

    @Override
    protected void engineUpdateAAD(byte[] src, int offset, int len) {
        checkReady();
        if (pendingLength > 0) {
            throw new IllegalStateException("AAD must be given before the data");
        }
        if (aadLength + len > aad.length) {
            aad = Arrays.copyOf(aad, Math.max(aadLength + len, aad.length * 2));
        }
        System.arraycopy(src, offset, aad, aadLength, len);
        aadLength += len;
    }

    @Override
    protected void engineUpdateAAD(ByteBuffer src) {
        int len = src.remaining();
        if (src.hasArray()) {
            engineUpdateAAD(src.array(), src.arrayOffset() + src.position(), len);
        } else {
            byte[] copy = new byte[len];
            src.duplicate().get(copy);
            engineUpdateAAD(copy, 0, len);
        }
        src.position(src.limit());
    }

    @Override
    protected byte[] engineUpdate(byte[] input, int inputOffset, int inputLen) {
        hold(input, inputOffset, inputLen);
        return new byte[0];
    }

    @Override
    protected int engineUpdate(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset) {
        hold(input, inputOffset, inputLen);
        return 0;
    }

    /** Data before doFinal is held, as the JDK's GCM holds it when decrypting; TLS never sends any this way. */
    private void hold(byte[] input, int offset, int len) {
        checkReady();
        if (pendingLength + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + len, pending.length * 2));
        }
        System.arraycopy(input, offset, pending, pendingLength, len);
        pendingLength += len;
    }

    @Override
    protected byte[] engineDoFinal(byte[] input, int inputOffset, int inputLen)
            throws IllegalBlockSizeException, BadPaddingException {
        byte[] out = new byte[engineGetOutputSize(inputLen)];
        try {
            int n = engineDoFinal(input, inputOffset, inputLen, out, 0);
            return n == out.length ? out : Arrays.copyOf(out, n);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("output sized by getOutputSize was too short", e);
        }
    }

    @Override
    protected int engineDoFinal(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        checkReady();
        if (input == null) {
            input = new byte[0];
            inputOffset = 0;
            inputLen = 0;
        }
        if (pendingLength > 0) {
            hold(input, inputOffset, inputLen);
            input = Arrays.copyOf(pending, pendingLength);
            inputOffset = 0;
            inputLen = pendingLength;
            pendingLength = 0;
        }
        int needed = encrypt ? inputLen + tagLength : inputLen - tagLength;
        if (!encrypt && needed < 0) {
            state = State.READY;
            throw new AEADBadTagException(
                    "input of " + inputLen + " bytes is shorter than the " + tagLength + "-byte tag");
        }
        if (output.length - outputOffset < needed) {
            throw new ShortBufferException("output needs " + needed + " bytes, has " + (output.length - outputOffset));
        }
        int dataLen = encrypt ? inputLen : needed;
        if (input == output
                && outputOffset != inputOffset
                && outputOffset < inputOffset + inputLen
                && inputOffset < outputOffset + needed) {
            // OpenSSL works in place or on disjoint memory, not on a shifted overlap
            input = Arrays.copyOfRange(input, inputOffset, inputOffset + inputLen);
            inputOffset = 0;
        }
        if (dataLen >= JDK_FROM_BYTES) {
            return withJdk(input, inputOffset, inputLen, output, outputOffset);
        }
        beginOpenSsl();
        return encrypt
                ? seal(input, inputOffset, dataLen, output, outputOffset)
                : open(input, inputOffset, dataLen, output, outputOffset);
    }

    /** A large record through the JDK's GCM, with this operation's key, nonce, tag length and AAD. */
    private int withJdk(byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        try {
            if (large == null) {
                large = Cipher.getInstance("AES/GCM/NoPadding", ciphers.jdk());
            }
            large.init(
                    encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key, new GCMParameterSpec(tagLength * 8, iv));
        } catch (NoSuchAlgorithmException
                | javax.crypto.NoSuchPaddingException
                | InvalidKeyException
                | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("the JDK's AES/GCM refused what OpenSSL accepted", e);
        }
        large.updateAAD(aad, 0, aadLength);
        try {
            return large.doFinal(in, inOff, inLen, out, outOff);
        } finally {
            state = encrypt ? State.SPENT : State.READY;
        }
    }

    private int seal(byte[] in, int inOff, int len, byte[] out, int outOff) {
        MemorySegment dst = MemorySegment.ofArray(out);
        int written = 0;
        if (len > 0) {
            check(callUpdate(dst.asSlice(outOff, len), MemorySegment.ofArray(in).asSlice(inOff, len), len), "encrypt");
            written = outLength.get(JAVA_INT, 0);
        }
        check(callFinal(dst.asSlice(outOff + written)), "finish encryption");
        written += outLength.get(JAVA_INT, 0);
        check(ctrl(LibCrypto.EVP_CTRL_AEAD_GET_TAG, tagLength, dst.asSlice(outOff + written, tagLength)), "get tag");
        state = State.SPENT;
        return written + tagLength;
    }

    private int open(byte[] in, int inOff, int len, byte[] out, int outOff) throws AEADBadTagException {
        System.arraycopy(in, inOff + len, tag, 0, tagLength);
        check(ctrl(LibCrypto.EVP_CTRL_AEAD_SET_TAG, tagLength, MemorySegment.ofArray(tag)), "set tag");
        MemorySegment dst = MemorySegment.ofArray(out);
        int written = 0;
        if (len > 0) {
            check(callUpdate(dst.asSlice(outOff, len), MemorySegment.ofArray(in).asSlice(inOff, len), len), "decrypt");
            written = outLength.get(JAVA_INT, 0);
        }
        int ok = callFinal(dst.asSlice(outOff + written));
        state = State.READY;
        if (ok != 1) {
            Arrays.fill(out, outOff, outOff + len, (byte) 0);
            throw new AEADBadTagException("Tag mismatch");
        }
        return written + outLength.get(JAVA_INT, 0);
    }

    @Override
    protected int engineDoFinal(ByteBuffer input, ByteBuffer output)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        if (!input.hasArray() || !output.hasArray() || output.isReadOnly()) {
            return super.engineDoFinal(input, output);
        }
        int inLen = input.remaining();
        int n = engineDoFinal(
                input.array(),
                input.arrayOffset() + input.position(),
                inLen,
                output.array(),
                output.arrayOffset() + output.position());
        input.position(input.limit());
        output.position(output.position() + n);
        return n;
    }

    @Override
    protected int engineGetKeySize(Key key) throws InvalidKeyException {
        byte[] raw = key.getEncoded();
        if (raw == null) {
            throw new InvalidKeyException("key has no encoding");
        }
        Arrays.fill(raw, (byte) 0);
        return raw.length * 8;
    }

    private int callInit(MemorySegment cipher, MemorySegment keyBytes, MemorySegment nonce, int enc) {
        try {
            return (int) LibCrypto.INIT.invokeExact(ctx, cipher, keyBytes, nonce, enc, MemorySegment.NULL);
        } catch (Throwable t) {
            throw linkFailure("EVP_CipherInit_ex2", t);
        }
    }

    private int ctrl(int type, int arg, MemorySegment ptr) {
        try {
            return (int) LibCrypto.CTRL.invokeExact(ctx, type, arg, ptr);
        } catch (Throwable t) {
            throw linkFailure("EVP_CIPHER_CTX_ctrl", t);
        }
    }

    private int callUpdate(MemorySegment out, MemorySegment in, int len) {
        try {
            return (int) LibCrypto.UPDATE.invokeExact(ctx, out, outLength, in, len);
        } catch (Throwable t) {
            throw linkFailure("EVP_CipherUpdate", t);
        }
    }

    private int callFinal(MemorySegment out) {
        try {
            return (int) LibCrypto.FINAL.invokeExact(ctx, out, outLength);
        } catch (Throwable t) {
            throw linkFailure("EVP_CipherFinal_ex", t);
        }
    }

    /** A downcall's own exceptions pass through; anything else means the binding itself is wrong. */
    private static RuntimeException linkFailure(String name, Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call " + name + " failed to link", t);
    }

    private static void check(int ok, String what) {
        if (ok != 1) {
            throw new IllegalStateException("OpenSSL failed to " + what);
        }
    }
}
