package dev.ebpfc.ir.filetest;

import dev.ebpfc.ir.filetest.FileTestActions.LineError;
import dev.ebpfc.ir.filetest.FileTestActions.Result;

import java.util.ArrayList;
import java.util.List;

/// The expectations of one IR file test — its `; test:` action, `; check:` lines and
/// `; error:` comments — compared with what the action produced, or rewritten from it (bless).
final class FileTestSpec {
    private static final String TEST = "; test:";
    private static final String CHECK = "; check:";
    private static final String ERROR = "; error:";

    private final String text;
    private final String name;
    private final String action;
    private final List<String> checks = new ArrayList<>();
    private final List<Integer> checkLines = new ArrayList<>();
    private final List<LineError> expectedErrors = new ArrayList<>();

    private FileTestSpec(String text, String name, String action) {
        this.text = text;
        this.name = name;
        this.action = action;
    }

    static FileTestSpec parse(String text, String name) {
        String[] lines = text.split("\n", -1);
        String action = null;
        for (String l : lines) {
            if (l.strip().startsWith(TEST)) {
                action = l.strip().substring(TEST.length()).strip();
                break;
            }
        }
        if (action == null || !FileTestActions.isKnown(action)) throw new AssertionError(name + ": needs a '; test: <action>' line with a known action, found " + action);
        FileTestSpec spec = new FileTestSpec(text, name, action);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.strip().startsWith(CHECK)) {
                spec.checks.add(l.strip().substring(CHECK.length()).strip());
                spec.checkLines.add(i + 1);
                continue;
            }
            int at = l.indexOf(ERROR);
            if (at < 0) continue;
            for (String part : l.substring(at + ERROR.length()).split(ERROR)) spec.expectedErrors.add(new LineError(i + 1, part.strip()));
        }
        return spec;
    }

    String text() {
        return text;
    }

    String action() {
        return action;
    }

    void compareChecks(List<String> output, List<String> problems) {
        int pos = 0;
        for (int k = 0; k < checks.size(); k++) {
            String c = checks.get(k);
            int found = -1;
            for (int i = pos; i < output.size() && found < 0; i++) {
                if (output.get(i).contains(c)) found = i;
            }
            if (found < 0) {
                problems.add(name + ":" + checkLines.get(k) + ": check not found (in order): " + c + "\n" + diff(checks, output));
                return;
            }
            pos = found + 1;
        }
    }

    void compareErrors(List<LineError> actual, List<String> problems) {
        List<LineError> unmatched = new ArrayList<>(actual);
        for (LineError e : expectedErrors) {
            LineError hit = null;
            for (LineError a : unmatched) {
                if (a.line() == e.line() && a.message().contains(e.message())) {
                    hit = a;
                    break;
                }
            }
            if (hit == null) {
                problems.add(name + ":" + e.line() + ": expected error not reported: " + e.message() + errorsOn(actual, e.line()));
            } else {
                unmatched.remove(hit);
            }
        }
        for (LineError a : unmatched) problems.add(name + ":" + a.line() + ": unexpected error: " + a.message());
    }

    private static String errorsOn(List<LineError> actual, int line) {
        StringBuilder sb = new StringBuilder();
        for (LineError a : actual) {
            if (a.line() == line) sb.append("\n    reported here instead: ").append(a.message());
        }
        return sb.toString();
    }

    /// The file with its expectations replaced by `actual`: errors as trailing comments on their
    /// lines, output as `; check:` lines at the end.
    String bless(Result actual) {
        String[] lines = text.split("\n", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.strip().startsWith(CHECK)) continue;
            int at = l.indexOf(ERROR);
            if (at >= 0) l = l.substring(0, at).stripTrailing();
            StringBuilder sb = new StringBuilder(l);
            for (LineError e : actual.errors()) {
                if (e.line() == i + 1) sb.append(' ').append(ERROR).append(' ').append(e.message());
            }
            out.add(sb.toString());
        }
        while (!out.isEmpty() && out.getLast().isBlank()) out.removeLast();
        if (!action.equals("print") || !actual.output().isEmpty()) {
            if (!actual.output().isEmpty()) out.add("");
            for (String o : actual.output()) {
                if (!o.isBlank()) out.add(CHECK + " " + o);
            }
        }
        return String.join("\n", out) + "\n";
    }

    /// A line diff of expected (`-`) against actual (`+`), where an expected line matches an
    /// actual line containing it.
    static String diff(List<String> expected, List<String> actual) {
        int n = expected.size(), m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = actual.get(j).contains(expected.get(i)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder sb = new StringBuilder("--- expected\n+++ actual\n");
        int i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && actual.get(j).contains(expected.get(i))) {
                sb.append("  ").append(actual.get(j)).append('\n');
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                sb.append("+ ").append(actual.get(j++)).append('\n');
            } else {
                sb.append("- ").append(expected.get(i++)).append('\n');
            }
        }
        return sb.toString();
    }
}
