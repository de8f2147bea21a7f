package dev.ebpfc.runtime.interp;

import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.memory.MemoryLayout;

/// A program flattened for the interpreter: per slot, `code` packs the internal opcode ([Op]) in
/// bits 0–9, dst in 12–15 and src in 16–19; `off` holds the memory offset or the absolute branch
/// target slot; `k` the sign-extended immediate (for `lddw` the final 64-bit value: constant, map
/// handle, value address or code address, all fixed by [MemoryLayout]).
final class DecodedProgram {
    final ProgramDef def;
    final Program program;
    final int[] code;
    final int[] off;
    final long[] k;
    /// Highest map index an `lddw` refers to, -1 when none.
    final int maxMapIndex;
    /// Why the program cannot run at all (a construct the interpreter does not model), or null.
    final String unsupported;

    DecodedProgram(ProgramDef def) {
        this.def = def;
        this.program = def.program();
        int n = program.slotCount();
        code = new int[n];
        off = new int[n];
        k = new long[n];
        int maxMap = -1;
        String why = null;
        for (int i = 0; i < program.size(); i++) {
            Insn insn = program.get(i);
            int s = program.slot(i);
            int op;
            int dst = 0, src = 0;
            switch (insn) {
                case Insn.Alu a -> {
                    dst = a.dst().number();
                    if (a.src() instanceof Reg r) src = r.number();
                    else k[s] = ((Imm) a.src()).value();
                    boolean x = a.src() instanceof Reg;
                    boolean w64 = a.width() == Width.W64;
                    op = switch (a.op()) {
                        case SDIV -> w64 ? (x ? Op.SDIV64_X : Op.SDIV64_K) : (x ? Op.SDIV32_X : Op.SDIV32_K);
                        case SMOD -> w64 ? (x ? Op.SMOD64_X : Op.SMOD64_K) : (x ? Op.SMOD32_X : Op.SMOD32_K);
                        case MOVSX8 -> w64 ? Op.MOVSX8_64 : Op.MOVSX8_32;
                        case MOVSX16 -> w64 ? Op.MOVSX16_64 : Op.MOVSX16_32;
                        case MOVSX32 -> Op.MOVSX32_64;
                        default -> a.opcode();
                    };
                }
                case Insn.Endian e -> {
                    dst = e.dst().number();
                    int w = e.bits() == 16 ? 0 : e.bits() == 32 ? 1 : 2;
                    op = (e.op() == EndianOp.LE ? Op.LE16 : e.op() == EndianOp.BE ? Op.BE16 : Op.BSWAP16) + w;
                }
                case Insn.Load l -> {
                    dst = l.dst().number();
                    src = l.base().number();
                    off[s] = l.offset();
                    op = l.opcode();
                }
                case Insn.Store st -> {
                    dst = st.base().number();
                    off[s] = st.offset();
                    if (st.value() instanceof Reg r) src = r.number();
                    else k[s] = ((Imm) st.value()).value();
                    op = st.opcode();
                }
                case Insn.Atomic a -> {
                    dst = a.base().number();
                    src = a.src().number();
                    off[s] = a.offset();
                    int idx = switch (a.op()) {
                        case ADD -> Op.A_ADD;
                        case OR -> Op.A_OR;
                        case AND -> Op.A_AND;
                        case XOR -> Op.A_XOR;
                        case XCHG -> Op.A_XCHG;
                        case CMPXCHG -> Op.A_CMPXCHG;
                    };
                    op = Op.ATOMIC + (a.size() == Size.DW ? 16 : 0) + 2 * idx + (a.fetch() ? 1 : 0);
                }
                case Insn.LoadImm64 l -> {
                    dst = l.dst().number();
                    op = Op.LDDW;
                    code[s + 1] = Op.LDDW_HIGH;
                    switch (l.source()) {
                        case IMM64 -> k[s] = l.value();
                        case MAP_FD, MAP_IDX -> {
                            if (l.imm() < 0 || l.imm() >= MemoryLayout.MAX_MAPS) why = "slot " + s + ": map index " + l.imm() + " out of range";
                            else k[s] = MemoryLayout.mapHandle(l.imm());
                            maxMap = Math.max(maxMap, l.imm());
                        }
                        case MAP_VALUE, MAP_IDX_VALUE -> {
                            if (l.imm() < 0 || l.imm() >= MemoryLayout.MAX_MAPS) why = "slot " + s + ": map index " + l.imm() + " out of range";
                            else k[s] = MemoryLayout.mapValuesBase(l.imm()) + (l.nextImm() & 0xffffffffL);
                            maxMap = Math.max(maxMap, l.imm());
                        }
                        case FUNC -> k[s] = MemoryLayout.codeAddress(program.branchTarget(i));
                        case VARIABLE_ADDR -> {
                            op = Op.UNSUPPORTED;
                            if (why == null) why = "slot " + s + ": lddw var_addr (kernel variable addresses) is not modelled";
                        }
                    }
                }
                case Insn.LoadPacket lp -> {
                    if (lp.index() != null) src = lp.index().number();
                    k[s] = lp.imm();
                    op = lp.opcode();
                }
                case Insn.Jump j -> {
                    dst = j.dst().number();
                    if (j.src() instanceof Reg r) src = r.number();
                    else k[s] = ((Imm) j.src()).value();
                    off[s] = program.branchTarget(i);
                    op = j.opcode();
                }
                case Insn.Goto g -> {
                    off[s] = program.branchTarget(i);
                    op = 0x05;
                }
                case Insn.Call c -> {
                    k[s] = c.imm();
                    if (c.kind() == CallKind.LOCAL) {
                        op = Op.CALL_LOCAL;
                        off[s] = program.branchTarget(i);
                    } else {
                        op = c.kind() == CallKind.HELPER ? 0x85 : Op.CALL_KFUNC;
                    }
                }
                case Insn.CallIndirect c -> {
                    dst = c.target().number();
                    op = 0x8d;
                }
                case Insn.Exit e -> op = 0x95;
            }
            code[s] = op | dst << 12 | src << 16;
        }
        this.maxMapIndex = maxMap;
        this.unsupported = why;
    }

    /// Whether `slot` starts an instruction of this program (a valid callx target).
    boolean isInstructionStart(int slot) {
        return program.indexAtSlot(slot) >= 0;
    }

}
