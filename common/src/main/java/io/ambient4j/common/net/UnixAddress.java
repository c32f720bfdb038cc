package io.ambient4j.common.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Builds a {@code struct sockaddr_un} for a filesystem path. */
final class UnixAddress {
    private UnixAddress() {}

    /** The encoded address; its byte size is the length to pass to bind/connect. */
    static MemorySegment of(Path path, Arena arena) throws NetException {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > Libc.SUN_PATH_MAX) {
            throw NetException.of(
                    NetException.Reason.INVALID_ARGUMENT,
                    "unix socket path must be 1.." + Libc.SUN_PATH_MAX + " bytes: " + path);
        }
        MemorySegment addr = arena.allocate(2 + bytes.length + 1, 2);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(bytes, 0, addr, ValueLayout.JAVA_BYTE, 2, bytes.length);
        addr.set(ValueLayout.JAVA_BYTE, 2 + bytes.length, (byte) 0);
        return addr;
    }
}
