package dev.ebpfc.emulator.diff;

import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.RegionSnapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/// Compares two runs as whole states and says, one line per differing field, where they differ:
/// r0, the error kind, every region snapshot byte for byte (the first differing byte with a hex
/// window around it, and how many differ), the helper-call trace (the first differing call with
/// its neighbours), and the side channels (printk text, perf events, ring buffer records).
/// Deliberately not compared: `executed` (engines count different things), the message and the
/// stopping slot (engines word and locate errors differently).
public final class ResultDiff {
    /// Bytes shown on each side of the first differing byte.
    private static final int WINDOW = 8;

    private ResultDiff() {
    }

    /// The differences of `actual` from `expected`; empty when they agree.
    public static List<String> compare(ExecutionResult expected, ExecutionResult actual) {
        List<String> out = new ArrayList<>();
        if (expected.r0() != actual.r0()) {
            out.add("r0: expected 0x" + Long.toHexString(expected.r0()) + ", got 0x" + Long.toHexString(actual.r0()));
        }
        if (expected.error() != actual.error()) {
            out.add("error: expected " + describe(expected) + ", got " + describe(actual));
        }
        regions(expected.regions(), actual.regions(), out);
        trace(expected.trace(), actual.trace(), out);
        if (!Objects.equals(expected.printk(), actual.printk())) {
            out.add("printk: expected \"" + expected.printk() + "\", got \"" + actual.printk() + "\"");
        }
        records("perf event", expected.perfEvents(), actual.perfEvents(), out);
        records("ring buffer record", expected.ringbufRecords(), actual.ringbufRecords(), out);
        return out;
    }

    /// [#compare] plus the stopping slot, for engines that locate faults exactly (the interpreter
    /// and compiled code, which maps machine addresses back to slots).
    public static List<String> compareWithSlot(ExecutionResult expected, ExecutionResult actual) {
        List<String> out = compare(expected, actual);
        if (expected.slot() != actual.slot()) out.add("slot: expected " + expected.slot() + ", got " + actual.slot());
        return out;
    }

    /// [#compareWithSlot] as one text naming both engines: "" when the results agree.
    public static String describe(String expectedName, ExecutionResult expected, String actualName, ExecutionResult actual) {
        List<String> d = compareWithSlot(expected, actual);
        return d.isEmpty() ? "" : "expected = " + expectedName + ", actual = " + actualName + "\n" + String.join("\n", d);
    }

    private static String describe(ExecutionResult r) {
        return r.error() + (r.message().isEmpty() ? "" : " (" + r.message() + ")");
    }

    private static void regions(List<RegionSnapshot> expected, List<RegionSnapshot> actual, List<String> out) {
        List<String> en = expected.stream().map(RegionSnapshot::name).toList();
        List<String> an = actual.stream().map(RegionSnapshot::name).toList();
        if (!en.equals(an)) out.add("regions: expected " + en + ", got " + an);
        for (RegionSnapshot e : expected) {
            RegionSnapshot a = actual.stream().filter(x -> x.name().equals(e.name())).findFirst().orElse(null);
            if (a == null) continue;
            String d = bytes(e.bytes(), a.bytes());
            if (d != null) out.add("region " + e.name() + ": " + d);
        }
    }

    /// Where two byte arrays differ, or null when equal.
    static String bytes(byte[] e, byte[] a) {
        if (Arrays.equals(e, a)) return null;
        StringBuilder sb = new StringBuilder();
        if (e.length != a.length) sb.append("expected ").append(e.length).append(" bytes, got ").append(a.length).append("; ");
        int first = Arrays.mismatch(e, a);
        int differing = 0;
        for (int i = 0; i < Math.min(e.length, a.length); i++) if (e[i] != a[i]) differing++;
        sb.append("first difference at offset ").append(first).append(" (0x").append(Integer.toHexString(first)).append("), ")
                .append(differing).append(" differing bytes\n");
        int from = Math.max(0, first - WINDOW);
        sb.append("    expected [").append(from).append("..]: ").append(window(e, from, first)).append('\n');
        sb.append("    actual   [").append(from).append("..]: ").append(window(a, from, first));
        return sb.toString();
    }

    /// `2*WINDOW` bytes from `from` in hex, the byte at `mark` bracketed.
    private static String window(byte[] b, int from, int mark) {
        HexFormat hex = HexFormat.of();
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(b.length, from + 2 * WINDOW); i++) {
            if (i > from) sb.append(' ');
            String x = hex.toHexDigits(b[i]);
            sb.append(i == mark ? "[" + x + "]" : x);
        }
        if (mark >= b.length) sb.append(" [end]");
        return sb.toString();
    }

    private static void trace(List<HelperCall> expected, List<HelperCall> actual, List<String> out) {
        if (expected.equals(actual)) return;
        int n = Math.min(expected.size(), actual.size());
        int first = 0;
        while (first < n && expected.get(first).equals(actual.get(first))) first++;
        StringBuilder sb = new StringBuilder("helper calls: ");
        if (expected.size() != actual.size()) sb.append("expected ").append(expected.size()).append(" calls, got ").append(actual.size()).append("; ");
        sb.append("first difference at call ").append(first);
        for (int i = first; i < Math.min(first + 3, Math.max(expected.size(), actual.size())); i++) {
            sb.append("\n    #").append(i).append(" expected ").append(i < expected.size() ? expected.get(i) : "(none)");
            sb.append("\n    #").append(i).append(" actual   ").append(i < actual.size() ? actual.get(i) : "(none)");
        }
        out.add(sb.toString());
    }

    private static void records(String what, List<byte[]> expected, List<byte[]> actual, List<String> out) {
        if (expected.size() != actual.size()) {
            out.add(what + "s: expected " + expected.size() + ", got " + actual.size());
            return;
        }
        for (int i = 0; i < expected.size(); i++) {
            String d = bytes(expected.get(i), actual.get(i));
            if (d != null) {
                out.add(what + " " + i + ": " + d);
                return;
            }
        }
    }
}
