package dev.ebpfc.backend;

import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.TreeSet;

/// What a baseline (-O0) lowering needs to know about the bytecode before it emits anything, the
/// same for every ISA: which BPF registers the program names (to save only the callee-saved
/// machine registers it uses) and where its functions start.
public final class BytecodeFacts {
    private BytecodeFacts() {
    }

    /// `named[n]` is true when some instruction reads or writes rN (index 0–10).
    public static boolean[] namedRegisters(Program program) {
        boolean[] named = new boolean[11];
        for (Insn insn : program.insns()) {
            switch (insn) {
                case Insn.Alu a -> {
                    named[a.dst().number()] = true;
                    if (a.src() instanceof Reg r) named[r.number()] = true;
                }
                case Insn.Endian e -> named[e.dst().number()] = true;
                case Insn.Load l -> {
                    named[l.dst().number()] = true;
                    named[l.base().number()] = true;
                }
                case Insn.Store s -> {
                    named[s.base().number()] = true;
                    if (s.value() instanceof Reg r) named[r.number()] = true;
                }
                case Insn.Atomic a -> {
                    named[a.base().number()] = true;
                    named[a.src().number()] = true;
                }
                case Insn.LoadImm64 l -> named[l.dst().number()] = true;
                case Insn.LoadPacket lp -> {
                    if (lp.index() != null) named[lp.index().number()] = true;
                }
                case Insn.Jump j -> {
                    named[j.dst().number()] = true;
                    if (j.src() instanceof Reg r) named[r.number()] = true;
                }
                case Insn.CallIndirect c -> named[c.target().number()] = true;
                case Insn.Goto g -> {
                }
                case Insn.Call c -> {
                }
                case Insn.Exit e -> {
                }
            }
        }
        return named;
    }

    /// Slot 0 and every local-call and `lddw func` target, as the static check finds functions.
    public static TreeSet<Integer> functionSlots(ProgramDef def) {
        Program program = def.program();
        TreeSet<Integer> out = new TreeSet<>();
        out.add(0);
        for (ProgramDef.Function f : def.functions()) if (program.indexAtSlot(f.slot()) >= 0) out.add(f.slot());
        for (int i = 0; i < program.size(); i++) {
            Insn insn = program.get(i);
            if ((insn instanceof Insn.Call c && c.kind() == CallKind.LOCAL) || (insn instanceof Insn.LoadImm64 l && l.source() == LddwSource.FUNC)) {
                int t = program.branchTarget(i);
                if (program.indexAtSlot(t) >= 0) out.add(t);
            }
        }
        return out;
    }
}
