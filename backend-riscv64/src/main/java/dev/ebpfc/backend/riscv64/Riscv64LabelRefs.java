package dev.ebpfc.backend.riscv64;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.riscv64.Riscv64Encoder.BranchForm;
import dev.ebpfc.backend.riscv64.Riscv64Insn.AluImmOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.BranchOp;
import dev.ebpfc.backend.riscv64.Riscv64Insn.LoadOp;

import java.util.List;

import static dev.ebpfc.backend.riscv64.Riscv64Reg.RA;
import static dev.ebpfc.backend.riscv64.Riscv64Reg.ZERO;

/// The RISC-V64 code that refers to labels, with its forms for branch relaxation, and the unit
/// the lowering puts into the [CodeBuffer]: an [Item] is one instruction or a short fixed
/// sequence whose pc-relative fields are resolved when the encoder knows where it stands.
///
/// Forms (unpriv. §2.5: B-type reaches ±4 KiB, `jal` ±1 MiB, `auipc`+`jalr` ±2 GiB):
///
/// | reference | form 0 | form 1 | form 2 |
/// |---|---|---|---|
/// | conditional branch | `bcc a, b, T` | `b!cc a, b, +8; j T` | `b!cc a, b, +12; auipc t6, hi; jr lo(t6)` |
/// | jump | `j T` | `auipc t6, hi; jr lo(t6)` | |
/// | call | `jal ra, T` | `auipc ra, hi; jalr ra, lo(ra)` | |
/// | pool load | `auipc rd, hi; ld rd, lo(rd)` | | |
/// | pool call | `auipc t6, hi; ld t6, lo(t6); jalr t6` | | |
/// | label address | `auipc rd, hi; addi rd, rd, lo` | | |
///
/// `hi`/`lo` split a 32-bit distance from the `auipc` so that `(hi << 12) + sext(lo)` is it
/// (the +0x800 rounding of [Imm12#hi20]).
final class Riscv64LabelRefs {
    private Riscv64LabelRefs() {
    }

    /// What the lowering emits: one machine instruction, or a sequence from the table above.
    sealed interface Item {
        /// The machine instructions of this item placed at byte offset `at`.
        List<Riscv64Insn> expand(int at);
    }

    record One(Riscv64Insn insn) implements Item {
        @Override
        public List<Riscv64Insn> expand(int at) {
            return List.of(insn);
        }
    }

    /// Conditional branch in form 0, 1 or 2.
    record CondBranch(BranchOp op, Riscv64Reg rs1, Riscv64Reg rs2, int target, int form) implements Item {
        @Override
        public List<Riscv64Insn> expand(int at) {
            return switch (form) {
                case 0 -> List.of(new Riscv64Insn.Branch(op, rs1, rs2, target));
                case 1 -> List.of(new Riscv64Insn.Branch(op.negate(), rs1, rs2, at + 8), new Riscv64Insn.Jal(ZERO, target));
                default -> {
                    int d = target - (at + 4);
                    yield List.of(new Riscv64Insn.Branch(op.negate(), rs1, rs2, at + 12),
                            new Riscv64Insn.Auipc(Riscv64RegisterMap.FAR, Imm12.hi20(d)),
                            new Riscv64Insn.Jalr(ZERO, Riscv64RegisterMap.FAR, Imm12.lo12(d)));
                }
            };
        }
    }

    /// Unconditional jump in form 0 or 1.
    record Jump(int target, int form) implements Item {
        @Override
        public List<Riscv64Insn> expand(int at) {
            if (form == 0) return List.of(new Riscv64Insn.Jal(ZERO, target));
            int d = target - at;
            return List.of(new Riscv64Insn.Auipc(Riscv64RegisterMap.FAR, Imm12.hi20(d)),
                    new Riscv64Insn.Jalr(ZERO, Riscv64RegisterMap.FAR, Imm12.lo12(d)));
        }
    }

    /// Calls `target` (ra receives the return address) in form 0 (`jal ra`) or 1 (`auipc ra` +
    /// `jalr ra`, which needs no other register).
    record LocalCall(int target, int form) implements Item {
        @Override
        public List<Riscv64Insn> expand(int at) {
            if (form == 0) return List.of(new Riscv64Insn.Jal(RA, target));
            int d = target - at;
            return List.of(new Riscv64Insn.Auipc(RA, Imm12.hi20(d)), new Riscv64Insn.Jalr(RA, RA, Imm12.lo12(d)));
        }
    }

    /// `rd = *(u64 *)target`.
    record PoolLoad(Riscv64Reg rd, int target) implements Item {
        @Override
        public List<Riscv64Insn> expand(int at) {
            int d = target - at;
            return List.of(new Riscv64Insn.Auipc(rd, Imm12.hi20(d)), new Riscv64Insn.Load(LoadOp.LD, rd, rd, Imm12.lo12(d)));
        }
    }

    /// Calls the address stored at `target`; ra receives the return address.
    record PoolCall(int target) implements Item {
        @Override
        public List<Riscv64Insn> expand(int at) {
            int d = target - at;
            Riscv64Reg t = Riscv64RegisterMap.FAR;
            return List.of(new Riscv64Insn.Auipc(t, Imm12.hi20(d)), new Riscv64Insn.Load(LoadOp.LD, t, t, Imm12.lo12(d)),
                    new Riscv64Insn.Jalr(RA, t, 0));
        }
    }

    /// `rd = address of target`.
    record Address(Riscv64Reg rd, int target) implements Item {
        @Override
        public List<Riscv64Insn> expand(int at) {
            int d = target - at;
            return List.of(new Riscv64Insn.Auipc(rd, Imm12.hi20(d)), new Riscv64Insn.AluImm(AluImmOp.ADDI, rd, rd, Imm12.lo12(d)));
        }
    }

    /// [Riscv64Encoder] behind the [CodeBuffer.Encoder] interface, with the extensions the
    /// lowering may use. With C, a [One] may be compressed (its size depends on its operands,
    /// which never change), while the label-referring sequences stay 32-bit: their offsets change
    /// from one relaxation pass to the next, and [CodeBuffer] requires a form's size not to
    /// depend on its target.
    static final class Encoder implements CodeBuffer.Encoder<Item> {
        private final Riscv64Encoder enc;

        Encoder(Riscv64Features features) {
            enc = new Riscv64Encoder(features);
        }

        @Override
        public void emit(Item item) {
            if (item instanceof One(Riscv64Insn insn)) {
                enc.emit(insn);
                return;
            }
            for (Riscv64Insn i : item.expand(enc.position())) enc.emitUncompressed(i);
        }

        /// Bytes [#emit] uses for the machine instruction `insn` of `item`.
        int length(Item item, Riscv64Insn insn) {
            return item instanceof One ? enc.length(insn) : 4;
        }

        @Override
        public int position() {
            return enc.position();
        }

        @Override
        public byte[] toByteArray() {
            return enc.toByteArray();
        }
    }

    record Cond(BranchOp op, Riscv64Reg rs1, Riscv64Reg rs2) implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 3;
        }

        @Override
        public Item insn(int form, int target) {
            return new CondBranch(op, rs1, rs2, target, form);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return switch (form) {
                case 0 -> Riscv64Encoder.fits(BranchForm.B_TYPE, (long) target - at);
                case 1 -> Riscv64Encoder.fits(BranchForm.J_TYPE, (long) target - (at + 4));
                default -> true;
            };
        }
    }

    record Jmp() implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public Item insn(int form, int target) {
            return new Jump(target, form);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 1 || Riscv64Encoder.fits(BranchForm.J_TYPE, (long) target - at);
        }
    }

    record CallRef() implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public Item insn(int form, int target) {
            return new LocalCall(target, form);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 1 || Riscv64Encoder.fits(BranchForm.J_TYPE, (long) target - at);
        }
    }

    /// One form, reaching ±2 GiB: more than any program.
    record PoolLoadRef(Riscv64Reg rd) implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public Item insn(int form, int target) {
            return new PoolLoad(rd, target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return true;
        }
    }

    record PoolCallRef() implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public Item insn(int form, int target) {
            return new PoolCall(target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return true;
        }
    }

    record AddressRef(Riscv64Reg rd) implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public Item insn(int form, int target) {
            return new Address(rd, target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return true;
        }
    }
}
