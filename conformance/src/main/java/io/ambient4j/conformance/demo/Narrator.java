package io.ambient4j.conformance.demo;

import java.io.PrintStream;

/** Prints the story as it happens: a heading per step, then indented observations. */
public final class Narrator {
    private final PrintStream out;
    private final int steps;

    public Narrator(PrintStream out, int steps) {
        this.out = out;
        this.steps = steps;
    }

    public void heading(int step, String title) {
        out.println();
        out.println("[" + step + "/" + steps + "] " + title);
        out.flush();
    }

    /** Something the demo did (an action, not an observation). */
    public void doing(String text) {
        line("  $ ", text);
    }

    /** Something observed that the story claims. */
    public void seen(String text) {
        line("  ✓ ", text);
    }

    /** Detail under an observation. */
    public void detail(String text) {
        line("      ", text);
    }

    public void failed(String text) {
        line("  ✗ ", text);
    }

    public void raw(String text) {
        out.print(text);
        out.flush();
    }

    private void line(String lead, String text) {
        for (String l : text.split("\n")) {
            out.println(lead + l);
            lead = " ".repeat(lead.length());
        }
        out.flush();
    }
}
