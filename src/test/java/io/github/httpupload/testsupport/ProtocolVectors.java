package io.github.httpupload.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the worked vectors out of {@code docs/protocol.md}, so that the page and the code cannot
 * drift apart: a test names a heading and gets the rows of the first table under it, each a map
 * of column name to cell. The cell conventions are the page's own (its section "Reading the
 * tables"): a cell in backticks is taken literally, less the backticks; in it {@code \0} stands
 * for the NUL byte. Outside backticks, {@value #NONE} means absent (no header, no claim) and
 * {@value #EMPTY} the empty string. Anything unexpected (no such heading, no table, an empty
 * table, a ragged row, another number of rows than the test expects) fails loudly.
 */
public final class ProtocolVectors {

    /** Relative to the project root, where Surefire runs. */
    public static final Path DOCUMENT = Path.of("docs/protocol.md");
    public static final String NONE = "(none)";
    public static final String EMPTY = "(empty)";

    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern DELIMITER = Pattern.compile("^\\|?(\\s*:?-{3,}:?\\s*\\|)*\\s*:?-{3,}:?\\s*\\|?$");

    private ProtocolVectors() {
    }

    /** One row of a table: its line in the document and its cells by column name. */
    public static final class Row {

        private final String table;
        private final int line;
        private final Map<String, String> cells;

        Row(String table, int line, Map<String, String> cells) {
            this.table = table;
            this.line = line;
            this.cells = Collections.unmodifiableMap(cells);
        }

        /** The line of the row in the document, 1-based. */
        public int line() {
            return line;
        }

        /** The cells as written (backticks and markers still in place), by column name. */
        public Map<String, String> raw() {
            return cells;
        }

        /** The value of a cell that must have one: backticks removed, {@code \0} as NUL, {@value #EMPTY} as "". */
        public String get(String column) {
            String value = optional(column);
            if (value == null) {
                throw failure("column [" + column + "] is " + NONE + " where a value is required");
            }
            return value;
        }

        /** Like {@link #get}, but {@code null} for {@value #NONE}. */
        public String optional(String column) {
            String cell = cells.get(column);
            if (cell == null) {
                throw failure("no column [" + column + "]; the columns are " + cells.keySet());
            }
            if (cell.equals(NONE)) {
                return null;
            }
            if (cell.equals(EMPTY)) {
                return "";
            }
            if (cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`")) {
                return cell.substring(1, cell.length() - 1).replace("\\0", "\0");
            }
            if (cell.isEmpty()) {
                throw failure("column [" + column + "] is blank: write " + NONE + " or " + EMPTY);
            }
            return cell;
        }

        /** A cell holding a whole number. */
        public long number(String column) {
            String value = get(column);
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw failure("column [" + column + "] is not a whole number: [" + value + "]");
            }
        }

        private AssertionError failure(String message) {
            return new AssertionError(DOCUMENT + ":" + line + " (table under \"" + table + "\"): " + message);
        }

        @Override
        public String toString() {
            return DOCUMENT + ":" + line + " " + cells;
        }
    }

    /**
     * The rows of the first table under the heading whose text is exactly {@code heading} (any
     * level), which must have exactly {@code expectedRows} rows.
     */
    public static List<Row> table(String heading, int expectedRows) {
        List<Row> rows = table(heading);
        if (rows.size() != expectedRows) {
            throw new AssertionError(DOCUMENT + ": the table under \"" + heading + "\" has " + rows.size()
                    + " rows, the test expects " + expectedRows + ": a vector was added or deleted; update both");
        }
        return rows;
    }

    /** The rows of the first table under {@code heading}; at least one. */
    public static List<Row> table(String heading) {
        List<String> lines = lines();
        int start = headingLine(lines, heading);
        int i = start + 1;
        while (i < lines.size() && !lines.get(i).trim().startsWith("|")) {
            if (HEADING.matcher(lines.get(i)).matches()) {
                break;
            }
            i++;
        }
        if (i >= lines.size() || !lines.get(i).trim().startsWith("|")) {
            throw new AssertionError(DOCUMENT + ": no table under the heading \"" + heading + "\" (line " + (start + 1) + ")");
        }
        List<String> columns = cells(lines.get(i));
        if (i + 1 >= lines.size() || !DELIMITER.matcher(lines.get(i + 1).trim()).matches()) {
            throw new AssertionError(DOCUMENT + ":" + (i + 2) + ": the table under \"" + heading + "\" has no |---| line");
        }
        List<Row> rows = new ArrayList<>();
        for (int r = i + 2; r < lines.size() && lines.get(r).trim().startsWith("|"); r++) {
            List<String> values = cells(lines.get(r));
            if (values.size() != columns.size()) {
                throw new AssertionError(DOCUMENT + ":" + (r + 1) + ": " + values.size() + " cells, the header has "
                        + columns.size() + " " + columns);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < columns.size(); c++) {
                row.put(columns.get(c), values.get(c));
            }
            rows.add(new Row(heading, r + 1, row));
        }
        if (rows.isEmpty()) {
            throw new AssertionError(DOCUMENT + ": the table under \"" + heading + "\" has no rows");
        }
        return rows;
    }

    private static int headingLine(List<String> lines, String heading) {
        int found = -1;
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher matcher = HEADING.matcher(line);
            if (!fenced && matcher.matches() && matcher.group(2).equals(heading)) {
                if (found >= 0) {
                    throw new AssertionError(DOCUMENT + ": the heading \"" + heading + "\" appears twice (lines "
                            + (found + 1) + " and " + (i + 1) + ")");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new AssertionError(DOCUMENT + ": no heading \"" + heading + "\"");
        }
        return found;
    }

    /** The trimmed cells of a table line; {@code \|} is a literal bar. */
    private static List<String> cells(String line) {
        String text = line.trim();
        if (text.startsWith("|")) {
            text = text.substring(1);
        }
        if (text.endsWith("|") && !text.endsWith("\\|")) {
            text = text.substring(0, text.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().trim());
        return cells;
    }

    private static List<String> lines() {
        if (!Files.isRegularFile(DOCUMENT)) {
            throw new AssertionError(DOCUMENT.toAbsolutePath() + " is missing: the protocol vectors are read from it"
                    + " (run the tests from the project root)");
        }
        try {
            return Files.readAllLines(DOCUMENT, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
