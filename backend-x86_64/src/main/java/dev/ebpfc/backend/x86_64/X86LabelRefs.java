package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CodeBuffer;

/// The x86_64 instructions that refer to labels, with their forms for branch relaxation: `jmp`
/// and `jcc` have a rel8 form (2 bytes) and a rel32 form (5 and 6 bytes); calls and RIP-relative
/// pool accesses have only rel32/disp32. Displacements count from the end of the instruction
/// (SDM Vol. 2 "JMP", "Jcc").
final class X86LabelRefs {
    private X86LabelRefs() {
    }

    static boolean fitsRel8(int at, int end, int target) {
        int d = target - end;
        return d == (byte) d;
    }

    record Jmp() implements CodeBuffer.Branch<X86Insn> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public X86Insn insn(int form, int target) {
            return new X86Insn.Jmp(target, form == 1);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 1 || fitsRel8(at, end, target);
        }
    }

    record Jcc(X86Cond cond) implements CodeBuffer.Branch<X86Insn> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public X86Insn insn(int form, int target) {
            return new X86Insn.Jcc(cond, target, form == 1);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 1 || fitsRel8(at, end, target);
        }
    }

    /// `call rel32`: one form, reaching ±2 GiB, more than any program.
    record Call() implements CodeBuffer.Branch<X86Insn> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public X86Insn insn(int form, int target) {
            return new X86Insn.Call(target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return true;
        }
    }

    /// `mov pool(%rip), dst`.
    record PoolLoad(X86Reg dst) implements CodeBuffer.Branch<X86Insn> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public X86Insn insn(int form, int target) {
            return new X86Insn.LoadRip(dst, target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return true;
        }
    }

    /// `call *pool(%rip)`.
    record PoolCall() implements CodeBuffer.Branch<X86Insn> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public X86Insn insn(int form, int target) {
            return new X86Insn.CallRip(target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return true;
        }
    }
}
