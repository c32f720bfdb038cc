package io.ambient4j.conformance.cli;

import io.ambient4j.conformance.mesh.StateFile;
import java.util.List;

/**
 * {@code make mesh-down}: undoes every local mesh journalled under {@code /run/ambient4j} (stops its
 * processes, deletes its namespaces and files), whether it is still running or crashed.
 */
public final class MeshDown {
    private MeshDown() {}

    public static void main(String[] args) {
        List<String> done = StateFile.undoAll();
        done.forEach(d -> System.out.println("mesh-down: " + d));
        System.out.println("mesh-down: " + (done.isEmpty() ? "nothing to do" : "done"));
    }
}
