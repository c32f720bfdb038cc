package io.ambient4j.cni.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Loads hand-written golden files from {@code src/test/resources/golden}. */
public final class GoldenFiles {
    private GoldenFiles() {}

    public static String read(String name) {
        try (InputStream in = GoldenFiles.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commands as one space-joined line each. */
    public static String lines(List<List<String>> commands) {
        return commands.stream().map(c -> String.join(" ", c) + "\n").collect(Collectors.joining());
    }
}
