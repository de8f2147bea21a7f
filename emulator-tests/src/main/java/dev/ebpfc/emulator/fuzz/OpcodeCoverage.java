package dev.ebpfc.emulator.fuzz;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;

import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;

/// Opcode coverage as a set of BPF opcode bytes (RFC 9669 §3: class, source and operation bits),
/// the granularity a campaign reports: which opcodes appeared in the programs an engine agreed
/// on, and which the reference executed. One byte per opcode lumps together what the offset or
/// immediate field distinguishes (sdiv vs div, movsx, the atomic operations).
public final class OpcodeCoverage {
    private OpcodeCoverage() {
    }

    /// The opcodes that appear in `p`.
    public static BitSet of(Program p) {
        BitSet b = new BitSet(256);
        for (Insn insn : p.insns()) b.set(insn.opcode() & 0xff);
        return b;
    }

    /// Per slot, the opcode of the instruction starting there (-1 for the second slot of `lddw`).
    static int[] bySlot(Program p) {
        int[] out = new int[p.slotCount()];
        java.util.Arrays.fill(out, -1);
        for (int i = 0; i < p.size(); i++) out[p.slot(i)] = p.get(i).opcode() & 0xff;
        return out;
    }

    /// The opcodes as a sorted list.
    public static List<Integer> list(BitSet b) {
        return b.stream().boxed().toList();
    }

    /// `0x07 0x0f …`.
    public static String hex(List<Integer> opcodes) {
        StringJoiner j = new StringJoiner(" ");
        for (int op : opcodes) j.add(String.format("0x%02x", op));
        return j.toString();
    }
}
