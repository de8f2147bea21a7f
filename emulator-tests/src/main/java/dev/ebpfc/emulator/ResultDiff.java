package dev.ebpfc.emulator;

import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.RegionSnapshot;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/// Compares two engines' [ExecutionResult]s as whole states and describes every difference in
/// readable lines: r0, error kind, failing slot, each region's bytes (first differing offset with
/// a little context), the helper-call trace, printk text, perf events and ring buffer records.
///
/// Not compared: `executed` (compiled engines do not count BPF instructions) and the message
/// text (engines word the same error differently; kind and slot are what must agree).
public final class ResultDiff {
    private ResultDiff() {
    }

    /// "" when the results agree, else one line per difference.
    public static String describe(String nameA, ExecutionResult a, String nameB, ExecutionResult b) {
        StringBuilder sb = new StringBuilder();
        if (a.r0() != b.r0()) line(sb, "r0: %s 0x%x, %s 0x%x", nameA, a.r0(), nameB, b.r0());
        if (a.error() != b.error()) {
            line(sb, "error: %s %s (%s), %s %s (%s)", nameA, a.error(), a.message(), nameB, b.error(), b.message());
        }
        if (a.slot() != b.slot()) line(sb, "slot: %s %d, %s %d", nameA, a.slot(), nameB, b.slot());
        regions(sb, nameA, a.regions(), nameB, b.regions());
        trace(sb, nameA, a.trace(), nameB, b.trace());
        if (!a.printk().equals(b.printk())) line(sb, "printk: %s %s, %s %s", nameA, quote(a.printk()), nameB, quote(b.printk()));
        blobs(sb, "perf event", nameA, a.perfEvents(), nameB, b.perfEvents());
        blobs(sb, "ring buffer record", nameA, a.ringbufRecords(), nameB, b.ringbufRecords());
        return sb.toString();
    }

    private static void regions(StringBuilder sb, String nameA, List<RegionSnapshot> a, String nameB, List<RegionSnapshot> b) {
        if (a.size() != b.size()) {
            line(sb, "regions: %s has %s, %s has %s", nameA, names(a), nameB, names(b));
            return;
        }
        for (int i = 0; i < a.size(); i++) {
            RegionSnapshot x = a.get(i), y = b.get(i);
            if (!x.name().equals(y.name())) {
                line(sb, "region %d: %s %s, %s %s", i, nameA, x.name(), nameB, y.name());
                continue;
            }
            byte[] p = x.bytes(), q = y.bytes();
            int at = Arrays.mismatch(p, q);
            if (at < 0) continue;
            if (p.length != q.length) line(sb, "region %s: %s %d bytes, %s %d bytes", x.name(), nameA, p.length, nameB, q.length);
            if (at < Math.min(p.length, q.length)) {
                line(sb, "region %s: first difference at byte %d: %s %s, %s %s", x.name(), at, nameA, window(p, at), nameB, window(q, at));
            }
        }
    }

    private static void trace(StringBuilder sb, String nameA, List<HelperCall> a, String nameB, List<HelperCall> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                line(sb, "helper call %d: %s %s, %s %s", i, nameA, a.get(i), nameB, b.get(i));
                return; // later calls follow from this one
            }
        }
        if (a.size() != b.size()) {
            line(sb, "helper calls: %s %d, %s %d (first extra: %s)", nameA, a.size(), nameB, b.size(), a.size() > n ? a.get(n) : b.get(n));
        }
    }

    private static void blobs(StringBuilder sb, String what, String nameA, List<byte[]> a, String nameB, List<byte[]> b) {
        if (a.size() != b.size()) {
            line(sb, "%ss: %s %d, %s %d", what, nameA, a.size(), nameB, b.size());
            return;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                line(sb, "%s %d: %s %s, %s %s", what, i, nameA, HexFormat.of().formatHex(a.get(i)), nameB, HexFormat.of().formatHex(b.get(i)));
            }
        }
    }

    /// Up to 8 bytes from `at`, hex.
    private static String window(byte[] b, int at) {
        return HexFormat.of().formatHex(b, at, Math.min(b.length, at + 8)) + (at + 8 < b.length ? "…" : "");
    }

    private static List<String> names(List<RegionSnapshot> rs) {
        return rs.stream().map(RegionSnapshot::name).toList();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(format, args)).append('\n');
    }
}
