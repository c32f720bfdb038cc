package io.ambient4j.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds expected wire bytes from hand-written hex groups. Each argument is either hex (spaces
 * allowed) or, wrapped with {@link #ascii}, literal text whose UTF-8 bytes are the payload of a
 * length-delimited string field whose tag and length are written as hex next to it.
 */
public final class Hex {

    private Hex() {}

    /** A text payload (only the string's content; tag and length stay hand-written hex). */
    public record Ascii(String text) {}

    public static Ascii ascii(String text) {
        return new Ascii(text);
    }

    public static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Ascii a) {
                out.writeBytes(a.text().getBytes(StandardCharsets.UTF_8));
            } else if (part instanceof String hex) {
                out.writeBytes(HexFormat.of().parseHex(hex.replace(" ", "")));
            } else {
                throw new IllegalArgumentException("not hex or ascii: " + part);
            }
        }
        return out.toByteArray();
    }

    public static String format(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
