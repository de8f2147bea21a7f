package dev.ebpfc.backend.arm64;

import static dev.ebpfc.backend.arm64.Arm64Reg.R29;
import static dev.ebpfc.backend.arm64.Arm64Reg.R30;
import static dev.ebpfc.backend.arm64.Arm64Reg.SP;

import dev.ebpfc.backend.arm64.Arm64Insn.IndexMode;
import dev.ebpfc.backend.arm64.Arm64Insn.MemOp;
import dev.ebpfc.backend.arm64.Arm64Insn.PairOp;

import java.util.ArrayList;
import java.util.List;

/// The machine frame of one -O2 function (or of the entry stub), from sp upwards after the
/// prologue:
///
/// ```
/// sp + 0                  x29, x30       (the frame record; only in functions that call)
/// sp + link               saved registers, 8 bytes each, in `saved` order
/// sp + link + 8·saved     spill slot 0, 1, …  (8 bytes each)
/// sp + size               the caller's sp (size rounded up to 16: sp stays 16-byte aligned)
/// ```
///
/// The prologue allocates and stores with one pre-indexed `stp` when the size fits its 7-bit
/// scaled offset (≤ 504), else `sub sp` then plain stores; the epilogue mirrors it.
record Arm64Frame(boolean link, List<Arm64Reg> saved, int slots, int size) {
    /// The largest pre/post-index `stp`/`ldp` offset of X registers (imm7 × 8).
    private static final int PAIR_REACH = 504;

    static Arm64Frame of(boolean link, List<Arm64Reg> saved, int slots) {
        int bytes = (link ? 16 : 0) + 8 * saved.size() + 8 * slots;
        return new Arm64Frame(link, List.copyOf(saved), slots, (bytes + 15) & -16);
    }

    /// The registers stored in the frame, lowest address first.
    List<Arm64Reg> stored() {
        List<Arm64Reg> out = new ArrayList<>();
        if (link) {
            out.add(R29);
            out.add(R30);
        }
        out.addAll(saved);
        return out;
    }

    /// sp-relative offset of spill slot `n`.
    int slotOffset(int n) {
        return (link ? 16 : 0) + 8 * saved.size() + 8 * n;
    }

    private boolean writeback() {
        return size <= PAIR_REACH && stored().size() >= 2;
    }

    /// Allocates the frame and stores the registers; with the frame record, points x29 at it.
    void prologue(Arm64Assembler asm, Arm64Reg scratch) {
        if (size == 0) return;
        List<Arm64Reg> regs = stored();
        int from = 0;
        if (writeback()) {
            asm.emit(new Arm64Insn.LoadStorePair(PairOp.STP_X, IndexMode.PRE, regs.get(0), regs.get(1), SP, -size));
            from = 2;
        } else {
            adjustSp(asm, -size, scratch);
        }
        storeOrLoad(asm, regs, from, true);
        if (link) asm.emit(Arm64Insn.mov(OpSize.X, R29, SP));
    }

    /// Restores the registers and releases the frame (no `ret`).
    void epilogue(Arm64Assembler asm, Arm64Reg scratch) {
        if (size == 0) return;
        List<Arm64Reg> regs = stored();
        if (writeback()) {
            storeOrLoad(asm, regs, 2, false);
            asm.emit(new Arm64Insn.LoadStorePair(PairOp.LDP_X, IndexMode.POST, regs.get(0), regs.get(1), SP, size));
        } else {
            storeOrLoad(asm, regs, 0, false);
            adjustSp(asm, size, scratch);
        }
    }

    /// Instructions of [#epilogue] (for choosing between an inline copy and a shared one).
    int epilogueLength() {
        if (size == 0) return 0;
        int n = stored().size();
        int pairs = (n + 1) / 2;
        return writeback() ? pairs : pairs + (Imm12.fits(size) ? 1 : 2);
    }

    private static void storeOrLoad(Arm64Assembler asm, List<Arm64Reg> regs, int from, boolean store) {
        for (int i = from; i < regs.size(); i += 2) {
            int at = 8 * i;
            if (i + 1 < regs.size() && at <= PAIR_REACH) {
                asm.emit(new Arm64Insn.LoadStorePair(store ? PairOp.STP_X : PairOp.LDP_X, IndexMode.OFFSET, regs.get(i), regs.get(i + 1), SP, at));
            } else {
                asm.emit(new Arm64Insn.LoadStore(store ? MemOp.STR_X : MemOp.LDR_X, regs.get(i), SP, at));
                if (i + 1 < regs.size()) asm.emit(new Arm64Insn.LoadStore(store ? MemOp.STR_X : MemOp.LDR_X, regs.get(i + 1), SP, at + 8));
            }
        }
    }

    /// `sp += delta` (a multiple of 16), through `scratch` beyond ADD/SUB's 12-bit immediates.
    static void adjustSp(Arm64Assembler asm, long delta, Arm64Reg scratch) {
        Arm64Insn.AddSubOp op = delta < 0 ? Arm64Insn.AddSubOp.SUB : Arm64Insn.AddSubOp.ADD;
        long magnitude = Math.abs(delta);
        var imm = Imm12.of(magnitude);
        if (imm.isPresent()) {
            asm.emit(new Arm64Insn.AddSubImm(op, OpSize.X, SP, SP, imm.get()));
        } else {
            asm.materialize(scratch, magnitude, OpSize.X);
            asm.emit(new Arm64Insn.AddSubExtended(op, OpSize.X, SP, SP, scratch, Arm64Insn.Extend.UXTX, 0));
        }
    }
}
