package dev.ebpfc.backend.x86_64;

import java.util.Objects;

/// An x86_64 machine instruction as data: one record per encoding family the BPF lowering uses.
/// Operands follow Intel order in the record (`dst` first); the printer writes AT&T order, as
/// GNU objdump does. Branch targets are byte offsets in the same code buffer.
public sealed interface X86Insn {

    /// The ALU group that shares the `op r/m, r` / `op r/m, imm` encodings (SDM Vol. 2 "ADD".."CMP";
    /// the code is the ModRM.reg extension of opcodes 0x80/0x81/0x83).
    enum AluOp {
        ADD("add"), OR("or"), ADC("adc"), SBB("sbb"), AND("and"), SUB("sub"), XOR("xor"), CMP("cmp");

        public final String mnemonic;

        AluOp(String mnemonic) {
            this.mnemonic = mnemonic;
        }

        public int code() {
            return ordinal();
        }
    }

    /// Shifts and rotates of the 0xC1/0xD1/0xD3 group, by ModRM.reg extension.
    enum ShiftOp {
        ROL(0, "rol"), ROR(1, "ror"), SHL(4, "shl"), SHR(5, "shr"), SAR(7, "sar");

        public final int code;
        public final String mnemonic;

        ShiftOp(int code, String mnemonic) {
            this.code = code;
            this.mnemonic = mnemonic;
        }
    }

    /// One-operand group of 0xF7 (SDM: NOT /2, NEG /3, MUL /4, IMUL /5, DIV /6, IDIV /7).
    enum UnaryOp {
        NOT(2, "not"), NEG(3, "neg"), MUL(4, "mul"), IMUL(5, "imul"), DIV(6, "div"), IDIV(7, "idiv");

        public final int code;
        public final String mnemonic;

        UnaryOp(int code, String mnemonic) {
            this.code = code;
            this.mnemonic = mnemonic;
        }
    }

    /// Loads and register-to-register extensions: the source width, the destination width and
    /// whether the value is sign- or zero-extended. `MOVL`/`MOVQ` load without extension (a 32-bit
    /// destination write zero-extends to 64 bits on its own).
    enum Extend {
        MOVZBL(OpSize.B, OpSize.L, false, "movzbl"),
        MOVZWL(OpSize.W, OpSize.L, false, "movzwl"),
        MOVL(OpSize.L, OpSize.L, false, "mov"),
        MOVQ(OpSize.Q, OpSize.Q, false, "mov"),
        MOVSBL(OpSize.B, OpSize.L, true, "movsbl"),
        MOVSWL(OpSize.W, OpSize.L, true, "movswl"),
        MOVSBQ(OpSize.B, OpSize.Q, true, "movsbq"),
        MOVSWQ(OpSize.W, OpSize.Q, true, "movswq"),
        MOVSLQ(OpSize.L, OpSize.Q, true, "movslq");

        public final OpSize from;
        public final OpSize to;
        public final boolean signed;
        public final String mnemonic;

        Extend(OpSize from, OpSize to, boolean signed, String mnemonic) {
            this.from = from;
            this.to = to;
            this.signed = signed;
            this.mnemonic = mnemonic;
        }

        /// The load of a BPF `size` zero- or sign-extended to 64 bits (a 32-bit destination
        /// write clears bits 32–63, so the zero-extending forms are the 32-bit ones).
        public static Extend load(dev.ebpfc.frontend.insn.Size size, boolean signed) {
            return switch (size) {
                case W -> signed ? MOVSLQ : MOVL;
                case H -> signed ? MOVSWQ : MOVZWL;
                case B -> signed ? MOVSBQ : MOVZBL;
                case DW -> MOVQ;
            };
        }
    }

    /// `op dst, src` between registers.
    record AluRR(AluOp op, OpSize size, X86Reg dst, X86Reg src) implements X86Insn {
    }

    /// `op dst, imm`: the sign-extended imm8 form (0x83) when the value fits, else imm32 (0x81; imm16 for W).
    record AluRI(AluOp op, OpSize size, X86Reg dst, int imm) implements X86Insn {
    }

    /// `op dst, [src]`: the ALU group with a memory source (a spilled operand).
    record AluRM(AluOp op, OpSize size, X86Reg dst, X86Mem src) implements X86Insn {
    }

    /// `op [dst], imm`: the ALU group on memory (`cmp` of a spilled operand with a constant).
    record AluMI(AluOp op, OpSize size, X86Mem dst, int imm) implements X86Insn {
    }

    record TestRR(OpSize size, X86Reg a, X86Reg b) implements X86Insn {
    }

    record TestRI(OpSize size, X86Reg a, int imm) implements X86Insn {
    }

    record MovRR(OpSize size, X86Reg dst, X86Reg src) implements X86Insn {
    }

    /// Load a constant. For `Q` the encoder picks the shortest of `mov r32, imm32` (zero-extends),
    /// `mov r/m64, simm32` and `movabs r64, imm64`.
    record MovRI(OpSize size, X86Reg dst, long imm) implements X86Insn {
    }

    /// Load from memory with the given extension.
    record Load(Extend kind, X86Reg dst, X86Mem src) implements X86Insn {
    }

    /// Extend a register into another (`movzbl %al,%eax`, `movslq %eax,%rax`).
    record ExtendRR(Extend kind, X86Reg dst, X86Reg src) implements X86Insn {
        public ExtendRR {
            if (kind == Extend.MOVL || kind == Extend.MOVQ) throw new IllegalArgumentException("use MovRR");
        }
    }

    record Store(OpSize size, X86Mem dst, X86Reg src) implements X86Insn {
    }

    record StoreImm(OpSize size, X86Mem dst, int imm) implements X86Insn {
    }

    /// Shift by a constant; a count of 1 uses the short 0xD1 form.
    record ShiftRI(ShiftOp op, OpSize size, X86Reg dst, int count) implements X86Insn {
    }

    /// Shift by `cl`.
    record ShiftRCl(ShiftOp op, OpSize size, X86Reg dst) implements X86Insn {
    }

    record Unary(UnaryOp op, OpSize size, X86Reg reg) implements X86Insn {
    }

    record ImulRR(OpSize size, X86Reg dst, X86Reg src) implements X86Insn {
    }

    record ImulRRI(OpSize size, X86Reg dst, X86Reg src, int imm) implements X86Insn {
    }

    /// Sign-extend the accumulator into rdx:rax (`cltd` for L, `cqto` for Q), before `idiv`.
    record SignExtendAccumulator(OpSize size) implements X86Insn {
    }

    record Bswap(OpSize size, X86Reg reg) implements X86Insn {
    }

    /// `lock op [mem], src` for add/or/and/xor.
    record LockAlu(AluOp op, OpSize size, X86Mem dst, X86Reg src) implements X86Insn {
    }

    /// `lock xadd [mem], src`: src receives the old value.
    record LockXadd(OpSize size, X86Mem dst, X86Reg src) implements X86Insn {
    }

    /// `xchg [mem], src` (implicitly locked).
    record Xchg(OpSize size, X86Mem dst, X86Reg src) implements X86Insn {
    }

    /// `lock cmpxchg [mem], src`: compares with rax, which receives the old value.
    record LockCmpxchg(OpSize size, X86Mem dst, X86Reg src) implements X86Insn {
    }

    record Lea(X86Reg dst, X86Mem src) implements X86Insn {
    }

    /// Unconditional jump to byte offset `target`; `near` selects rel32 over rel8.
    record Jmp(int target, boolean near) implements X86Insn {
    }

    record Jcc(X86Cond cond, int target, boolean near) implements X86Insn {
        public Jcc {
            Objects.requireNonNull(cond);
        }
    }

    /// `call rel32` to byte offset `target`.
    record Call(int target) implements X86Insn {
    }

    record CallR(X86Reg reg) implements X86Insn {
    }

    /// `mov target(%rip), dst` (64-bit): loads the 8 bytes at byte offset `target` of the buffer,
    /// a constant-pool entry. RIP-relative, so the code stays position-independent.
    record LoadRip(X86Reg dst, int target) implements X86Insn {
    }

    /// `call *target(%rip)`: calls the address held at byte offset `target` (a pool entry).
    record CallRip(int target) implements X86Insn {
    }

    record Ret() implements X86Insn {
    }

    record Push(X86Reg reg) implements X86Insn {
    }

    record Pop(X86Reg reg) implements X86Insn {
    }

    /// Set the low byte of `reg` to the condition (0 or 1).
    record Setcc(X86Cond cond, X86Reg reg) implements X86Insn {
    }

    record Cmov(X86Cond cond, OpSize size, X86Reg dst, X86Reg src) implements X86Insn {
    }
}
