package io.ambient4j.istioctl;

import java.util.ArrayList;
import java.util.List;

/**
 * Left-aligned columns separated by at least five spaces, like Go's tabwriter with the settings
 * upstream istioctl uses (minwidth 0, padding 5), so the tables look the same.
 */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        rows.add(header);
    }

    public Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    public String render() {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], String.valueOf(r[i]).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                String cell = String.valueOf(r[i]);
                sb.append(cell);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(width[i] - cell.length() + 5));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
