package dev.ebpfc.emulator.diff;

import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.RegionSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// [ResultDiff] compares whole states, ignores what engines legitimately disagree on, and says
/// where the difference is.
class DiffResultTest {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }

    private static ExecutionResult result(long r0, ErrorKind e, String message, long executed, byte[] mem, List<HelperCall> trace) {
        return new ExecutionResult(r0, e, message, -1, executed, List.of(new RegionSnapshot("mem", mem)), trace, "", List.of(), List.of());
    }

    private static final HelperCall CALL = new HelperCall(2, new long[]{1, 2, 3, 4, 5}, 0);

    @Test
    void equalStatesHaveNoDifference() {
        assertEquals(List.of(), ResultDiff.compare(result(7, ErrorKind.NONE, "", 10, bytes(32), List.of(CALL)),
                result(7, ErrorKind.NONE, "", 10, bytes(32), List.of(CALL))));
    }

    @Test
    void executedCountMessageAndSlotAreIgnored() {
        ExecutionResult a = new ExecutionResult(0, ErrorKind.UNWIND, "slot 3: unwind", 3, 10, List.of(), List.of(), "", List.of(), List.of());
        ExecutionResult b = new ExecutionResult(0, ErrorKind.UNWIND, "stopped", -1, 99, List.of(), List.of(), "", List.of(), List.of());
        assertEquals(List.of(), ResultDiff.compare(a, b));
    }

    @Test
    void r0AndErrorKind() {
        List<String> d = ResultDiff.compare(result(7, ErrorKind.NONE, "", 1, bytes(4), List.of()),
                result(0, ErrorKind.OUT_OF_BOUNDS, "read at 0x0", 1, bytes(4), List.of()));
        assertEquals(2, d.size(), d.toString());
        assertEquals("r0: expected 0x7, got 0x0", d.get(0));
        assertEquals("error: expected NONE, got OUT_OF_BOUNDS (read at 0x0)", d.get(1));
    }

    @Test
    void firstDifferingByteWithWindow() {
        byte[] changed = bytes(64);
        changed[40] = 0x7f;
        changed[50] = 0x7f;
        List<String> d = ResultDiff.compare(result(0, ErrorKind.NONE, "", 1, bytes(64), List.of()),
                result(0, ErrorKind.NONE, "", 1, changed, List.of()));
        assertEquals(1, d.size());
        String s = d.get(0);
        assertTrue(s.startsWith("region mem: first difference at offset 40 (0x28), 2 differing bytes"), s);
        assertTrue(s.contains("expected [32..]: 20 21 22 23 24 25 26 27 [28] 29"), s);
        assertTrue(s.contains("actual   [32..]: 20 21 22 23 24 25 26 27 [7f] 29"), s);
    }

    @Test
    void regionLengthsAndNames() {
        List<String> d = ResultDiff.compare(result(0, ErrorKind.NONE, "", 1, bytes(8), List.of()),
                result(0, ErrorKind.NONE, "", 1, bytes(6), List.of()));
        assertTrue(d.get(0).contains("expected 8 bytes, got 6"), d.toString());
        assertTrue(d.get(0).contains("[end]"), d.toString());
        ExecutionResult none = new ExecutionResult(0, ErrorKind.NONE, "", -1, 1, List.of(), List.of(), "", List.of(), List.of());
        assertEquals("regions: expected [mem], got []", ResultDiff.compare(result(0, ErrorKind.NONE, "", 1, bytes(8), List.of()), none).get(0));
    }

    @Test
    void helperTraceEntriesThatDiffer() {
        HelperCall other = new HelperCall(2, new long[]{1, 2, 3, 4, 0xdead}, 0);
        List<String> d = ResultDiff.compare(result(0, ErrorKind.NONE, "", 1, bytes(1), List.of(CALL, CALL)),
                result(0, ErrorKind.NONE, "", 1, bytes(1), List.of(CALL, other)));
        assertEquals(1, d.size());
        assertTrue(d.get(0).startsWith("helper calls: first difference at call 1"), d.get(0));
        assertTrue(d.get(0).contains("#1 actual   helper 2(0x1, 0x2, 0x3, 0x4, 0xdead) = 0x0"), d.get(0));
        List<String> shorter = ResultDiff.compare(result(0, ErrorKind.NONE, "", 1, bytes(1), List.of(CALL, CALL)),
                result(0, ErrorKind.NONE, "", 1, bytes(1), List.of(CALL)));
        assertTrue(shorter.get(0).contains("expected 2 calls, got 1") && shorter.get(0).contains("(none)"), shorter.toString());
    }

    @Test
    void sideChannels() {
        ExecutionResult a = new ExecutionResult(0, ErrorKind.NONE, "", -1, 1, List.of(), List.of(), "hi", List.of(new byte[]{1}), List.of());
        ExecutionResult b = new ExecutionResult(0, ErrorKind.NONE, "", -1, 1, List.of(), List.of(), "ho", List.of(new byte[]{2}), List.of(new byte[]{3}));
        List<String> d = ResultDiff.compare(a, b);
        assertEquals(3, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("printk"));
        assertTrue(d.get(1).startsWith("perf event 0: first difference at offset 0"));
        assertEquals("ring buffer records: expected 0, got 1", d.get(2));
    }
}
