package io.ambient4j.bench;

import com.sun.management.ThreadMXBean;
import io.ambient4j.common.tls.openssl.OpenSslProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS record cipher alone: the JDK's AES-GCM (SunJCE) against the one ztunnel installs ({@link OpenSslProvider}),
 * measured in the same run on the calls the JDK's TLS 1.3 makes per record (init with the record's nonce, 5 bytes of
 * AAD, in-place doFinal on a heap buffer), one record sealed and opened per iteration. Reports time and bytes
 * allocated per record, per record size, and their ratios. Each provider is measured in its own JVM, as in a
 * ztunnel, where the JIT sees one cipher implementation (two providers in one JVM make the JDK's {@code Cipher} call
 * sites polymorphic and change what escape analysis can remove). Run by {@code make bench-cipher}.
 */
public final class RecordCipherBench {
    private static final int[] SIZES = {64, 1024, 4096, 8192, 16384};
    private static final int RECORDS = Integer.getInteger("bench.records", 40_000);

    private RecordCipherBench() {}

    /** Time and allocation per record (seal + open) for one provider and size. */
    record Cost(double nanos, double bytes) {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1) {
            child(args[0]);
            return;
        }
        String installed = OpenSslProvider.install();
        System.out.println("record cipher: ztunnel's AES-GCM is from " + installed);
        if (Security.getProvider(OpenSslProvider.NAME) == null) {
            throw new IllegalStateException("OpenSSL AES-GCM not installed: " + installed);
        }
        Map<Integer, Cost> jdk = run("jdk");
        Map<Integer, Cost> ours = run("ztunnel");
        StringBuilder table = new StringBuilder();
        table.append("| record bytes | JDK ns | ztunnel ns | time ztunnel / JDK | JDK bytes allocated | ztunnel bytes"
                + " allocated |\n|---|---|---|---|---|---|\n");
        for (int size : SIZES) {
            Cost j = jdk.get(size);
            Cost o = ours.get(size);
            table.append(String.format(
                    Locale.ROOT,
                    "| %d | %.0f | %.0f | %.2f | %.0f | %.0f |%n",
                    size,
                    j.nanos(),
                    o.nanos(),
                    o.nanos() / j.nanos(),
                    j.bytes(),
                    o.bytes()));
        }
        System.out.print(table);
        System.out.println("(per record sealed and opened; bytes allocated include the caller's own per-record objects,"
                + " as the JDK's TLS makes them: the nonce spec and buffer views)");
    }

    /** Runs one provider in a child JVM like this one; its stdout lines are "size nanos bytes". */
    private static Map<Integer, Cost> run(String which) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-XX:+UseSerialGC",
                        "-Dbench.records=" + RECORDS,
                        "-cp",
                        System.getProperty("java.class.path"),
                        RecordCipherBench.class.getName(),
                        which)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Map<Integer, Cost> costs = new TreeMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split(" ");
                costs.put(Integer.parseInt(f[0]), new Cost(Double.parseDouble(f[1]), Double.parseDouble(f[2])));
            }
        }
        if (p.waitFor() != 0 || costs.size() != SIZES.length) {
            throw new IllegalStateException("the " + which + " measurement failed (exit " + p.exitValue() + ")");
        }
        return costs;
    }

    private static void child(String which) throws GeneralSecurityException {
        Provider p;
        if ("jdk".equals(which)) {
            p = Security.getProvider("SunJCE");
        } else {
            String installed = OpenSslProvider.install();
            p = Security.getProvider(OpenSslProvider.NAME);
            if (p == null) {
                throw new IllegalStateException("OpenSSL AES-GCM not installed: " + installed);
            }
        }
        for (int size : SIZES) {
            measure(p, size, RECORDS / 4); // warm-up
            Cost c = best(p, size);
            System.out.printf(Locale.ROOT, "%d %.1f %.1f%n", size, c.nanos(), c.bytes());
        }
    }

    /** The fastest of three runs (the others were disturbed by something else on the machine). */
    private static Cost best(Provider p, int size) throws GeneralSecurityException {
        Cost best = null;
        for (int i = 0; i < 3; i++) {
            Cost c = measure(p, size, RECORDS);
            if (best == null || c.nanos() < best.nanos()) {
                best = c;
            }
        }
        return best;
    }

    private static Cost measure(Provider p, int size, int records) throws GeneralSecurityException {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        Cipher seal = Cipher.getInstance("AES/GCM/NoPadding", p);
        Cipher open = Cipher.getInstance("AES/GCM/NoPadding", p);
        byte[] record = new byte[size + 16];
        byte[] aad = {23, 3, 3, (byte) ((size + 16) >> 8), (byte) (size + 16)};
        byte[] nonce = new byte[12];
        long allocated = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            nonce[8] = (byte) (i >> 24);
            nonce[9] = (byte) (i >> 16);
            nonce[10] = (byte) (i >> 8);
            nonce[11] = (byte) i;
            GCMParameterSpec spec = new GCMParameterSpec(128, nonce);
            seal.init(Cipher.ENCRYPT_MODE, key, spec);
            seal.updateAAD(aad);
            ByteBuffer bb = ByteBuffer.wrap(record, 0, size);
            ByteBuffer dup = bb.duplicate();
            bb.limit(size + 16);
            seal.doFinal(dup, bb);
            open.init(Cipher.DECRYPT_MODE, key, spec);
            open.updateAAD(aad);
            ByteBuffer in = ByteBuffer.wrap(record, 0, size + 16);
            open.doFinal(in, in.duplicate());
        }
        long nanos = System.nanoTime() - start;
        long bytes = threads.getCurrentThreadAllocatedBytes() - allocated;
        return new Cost((double) nanos / records, (double) bytes / records);
    }
}
