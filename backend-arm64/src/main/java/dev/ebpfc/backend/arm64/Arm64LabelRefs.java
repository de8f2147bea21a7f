package dev.ebpfc.backend.arm64;

import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP0;
import static dev.ebpfc.backend.arm64.Arm64RegisterMap.IP1;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.arm64.Arm64Insn.BranchForm;

import java.util.List;

/// The entries of the ARM64 code buffer and the instructions that refer to labels, with their
/// forms for branch relaxation (Arm ARM DDI 0487 C6.2 "B.cond", "CBZ", "B", "LDR (literal)"):
///
/// | reference | short form | long form |
/// |---|---|---|
/// | `b.cond` | `b.cond` (±1 MiB) | `b.!cond` over `b` (±128 MiB) |
/// | `cbz`/`cbnz` | itself (±1 MiB) | `cbnz`/`cbz` over `b` |
/// | `tbz`/`tbnz` | itself (±32 KiB) | `tbnz`/`tbz` over `b` |
/// | `b`, `bl` | ±128 MiB, one form | – |
/// | pool load | `ldr xt, literal` (±1 MiB) | `adr x16, .; movz/movk x17; ldr xt, [x16, w17, sxtw]` (±2 GiB) |
///
/// A long form is several instructions whose inner targets depend on where it lands, so a buffer
/// entry is an [Item] that expands at its final offset; the sizing and the emitting pass expand
/// the same way.
final class Arm64LabelRefs {
    private Arm64LabelRefs() {
    }

    /// One entry of the code buffer.
    sealed interface Item {
        /// The machine instructions of this entry when placed at byte offset `at`.
        List<Arm64Insn> expand(int at);
    }

    /// A single instruction.
    record One(Arm64Insn insn) implements Item {
        @Override
        public List<Arm64Insn> expand(int at) {
            return List.of(insn);
        }
    }

    /// A `b.cond`/`cbz`/`cbnz` whose target is out of its ±1 MiB: the inverted test skips a `b`.
    record FarBranch(Arm64Insn near, int target) implements Item {
        @Override
        public List<Arm64Insn> expand(int at) {
            Arm64Insn skip = switch (near) {
                case Arm64Insn.BCond b -> new Arm64Insn.BCond(b.cond().invert(), at + 8);
                case Arm64Insn.Cbz c -> new Arm64Insn.Cbz(!c.nonZero(), c.size(), c.rt(), at + 8);
                case Arm64Insn.Tbz t -> new Arm64Insn.Tbz(!t.nonZero(), t.rt(), t.bit(), at + 8);
                default -> throw new IllegalArgumentException("no inverse branch for " + near);
            };
            return List.of(skip, new Arm64Insn.B(target));
        }
    }

    /// A pool load beyond LDR (literal)'s ±1 MiB: the distance from an `adr` of itself, in x17,
    /// indexes x16. Uses IP0/IP1, which nothing else keeps a value in.
    record FarLoad(Arm64Reg rt, int target) implements Item {
        @Override
        public List<Arm64Insn> expand(int at) {
            int distance = target - at;
            return List.of(
                    new Arm64Insn.Adr(IP0, at),
                    new Arm64Insn.MoveWide(Arm64Insn.MoveWideOp.MOVZ, OpSize.W, IP1, distance & 0xffff, 0),
                    new Arm64Insn.MoveWide(Arm64Insn.MoveWideOp.MOVK, OpSize.W, IP1, (distance >>> 16) & 0xffff, 16),
                    new Arm64Insn.LoadStoreIndexed(Arm64Insn.MemOp.LDR_X, rt, IP0, IP1, Arm64Insn.IndexExtend.SXTW, false));
        }
    }

    /// Encodes buffer entries with one [Arm64Encoder].
    static final class Encoder implements CodeBuffer.Encoder<Item> {
        private final Arm64Encoder enc = new Arm64Encoder();

        @Override
        public void emit(Item item) {
            for (Arm64Insn insn : item.expand(enc.position())) enc.emit(insn);
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

    /// Whether a long form's `b`, the instruction after the skip at `at`, reaches `target`.
    private static boolean farReaches(int at, int target) {
        return BranchForm.IMM26.fits((long) target - (at + 4));
    }

    record CondBranch(Arm64Cond cond) implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public Item insn(int form, int target) {
            Arm64Insn near = new Arm64Insn.BCond(cond, target);
            return form == 0 ? new One(near) : new FarBranch(near, target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 0 ? BranchForm.IMM19.fits((long) target - at) : farReaches(at, target);
        }
    }

    /// CBZ (or CBNZ when `nonZero`).
    record CompareBranch(boolean nonZero, OpSize size, Arm64Reg rt) implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public Item insn(int form, int target) {
            Arm64Insn near = new Arm64Insn.Cbz(nonZero, size, rt, target);
            return form == 0 ? new One(near) : new FarBranch(near, target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 0 ? BranchForm.IMM19.fits((long) target - at) : farReaches(at, target);
        }
    }

    /// TBZ (or TBNZ when `nonZero`) on bit `bit` of `rt`: ±32 KiB, else the inverted test over `b`.
    record TestBranch(boolean nonZero, Arm64Reg rt, int bit) implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public Item insn(int form, int target) {
            Arm64Insn near = new Arm64Insn.Tbz(nonZero, rt, bit, target);
            return form == 0 ? new One(near) : new FarBranch(near, target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 0 ? BranchForm.IMM14.fits((long) target - at) : farReaches(at, target);
        }
    }

    /// `b`: ±128 MiB, more than any program's code.
    record Jump() implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public Item insn(int form, int target) {
            return new One(new Arm64Insn.B(target));
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return BranchForm.IMM26.fits((long) target - at);
        }
    }

    /// `bl`: ±128 MiB.
    record Call() implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 1;
        }

        @Override
        public Item insn(int form, int target) {
            return new One(new Arm64Insn.Bl(target));
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return BranchForm.IMM26.fits((long) target - at);
        }
    }

    /// `ldr xt, pool`.
    record PoolLoad(Arm64Reg rt) implements CodeBuffer.Branch<Item> {
        @Override
        public int forms() {
            return 2;
        }

        @Override
        public Item insn(int form, int target) {
            return form == 0 ? new One(new Arm64Insn.LoadLiteral(OpSize.X, rt, target)) : new FarLoad(rt, target);
        }

        @Override
        public boolean reaches(int form, int at, int end, int target) {
            return form == 1 || BranchForm.IMM19.fits((long) target - at);
        }
    }
}
