package dev.ebpfc.frontend.insn;

import java.util.Objects;

/// One eBPF instruction, modelled by format. Every record here is a distinct encoding family of
/// RFC 9669; switching over `Insn` with no `default` makes the compiler list every place a new
/// instruction must be handled. Records validate their fields on construction, so an `Insn` value
/// is always encodable.
public sealed interface Insn {

    /// How many 64-bit slots the instruction occupies (2 for `lddw`).
    default int slots() {
        return 1;
    }

    /// The opcode byte.
    int opcode();

    /// The instruction in conformance (uBPF) syntax, jump offsets printed relative (`+3`).
    @Override
    String toString();

    /// `ALU`/`ALU64` arithmetic: `dst = dst op src` (RFC 9669 §4.1). `NEG` takes `Imm(0)` as
    /// source; sign-extending moves take a register.
    record Alu(Width width, AluOp op, Reg dst, Operand src) implements Insn {
        public Alu {
            Objects.requireNonNull(width);
            Objects.requireNonNull(op);
            Objects.requireNonNull(dst);
            Objects.requireNonNull(src);
            if (op == AluOp.NEG && !(src instanceof Imm(int v) && v == 0)) {
                throw new IllegalArgumentException("neg takes no source operand");
            }
            if (op.isMovsx() && !(src instanceof Reg)) {
                throw new IllegalArgumentException(op.mnemonic + " needs a register source");
            }
            if (op == AluOp.MOVSX32 && width == Width.W32) {
                throw new IllegalArgumentException("movsx32 exists only in 64-bit form");
            }
        }

        @Override
        public int opcode() {
            return op.code | (src instanceof Reg ? 0x08 : 0) | (width == Width.W64 ? InsnClass.ALU64.bits : InsnClass.ALU.bits);
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// Byte-order conversion of the low `bits` of `dst` (RFC 9669 §4.2).
    record Endian(EndianOp op, int bits, Reg dst) implements Insn {
        public Endian {
            Objects.requireNonNull(op);
            Objects.requireNonNull(dst);
            if (bits != 16 && bits != 32 && bits != 64) throw new IllegalArgumentException("byte swap width " + bits);
        }

        @Override
        public int opcode() {
            return switch (op) {
                case LE -> 0xd4;
                case BE -> 0xdc;
                case BSWAP -> 0xd7;
            };
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// `LDX`: `dst = *(size *)(base + offset)`, zero- or (v4, `MEMSX`) sign-extended.
    record Load(Size size, boolean signExtend, Reg dst, Reg base, short offset) implements Insn {
        public Load {
            Objects.requireNonNull(size);
            Objects.requireNonNull(dst);
            Objects.requireNonNull(base);
            if (signExtend && size == Size.DW) throw new IllegalArgumentException("no sign-extending 64-bit load");
        }

        @Override
        public int opcode() {
            return InsnClass.LDX.bits | size.bits | (signExtend ? 0x80 : 0x60);
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// `ST` (immediate value) or `STX` (register value): `*(size *)(base + offset) = value`.
    record Store(Size size, Reg base, short offset, Operand value) implements Insn {
        public Store {
            Objects.requireNonNull(size);
            Objects.requireNonNull(base);
            Objects.requireNonNull(value);
        }

        @Override
        public int opcode() {
            return (value instanceof Reg ? InsnClass.STX.bits : InsnClass.ST.bits) | size.bits | 0x60;
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// `STX | ATOMIC` (RFC 9669 §5.3): read-modify-write of `*(size *)(base + offset)` with `src`;
    /// with `fetch` the old value lands in `src` (in r0 for `cmpxchg`, which compares with r0).
    record Atomic(Size size, AtomicOp op, boolean fetch, Reg base, short offset, Reg src) implements Insn {
        public Atomic {
            Objects.requireNonNull(size);
            Objects.requireNonNull(op);
            Objects.requireNonNull(base);
            Objects.requireNonNull(src);
            if (size != Size.W && size != Size.DW) throw new IllegalArgumentException("atomics are 32 or 64 bit");
            if (op.requiresFetch() && !fetch) throw new IllegalArgumentException(op.mnemonic + " requires fetch");
        }

        public int imm() {
            return op.code | (fetch ? AtomicOp.FETCH : 0);
        }

        @Override
        public int opcode() {
            return InsnClass.STX.bits | size.bits | 0xc0;
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// `lddw` (RFC 9669 §5.4): a two-slot load whose meaning depends on `source`. For `IMM64`
    /// the constant is `nextImm:imm`; for the map-value forms `nextImm` is an offset.
    record LoadImm64(Reg dst, LddwSource source, int imm, int nextImm) implements Insn {
        public LoadImm64 {
            Objects.requireNonNull(dst);
            Objects.requireNonNull(source);
        }

        public static LoadImm64 constant(Reg dst, long value) {
            return new LoadImm64(dst, LddwSource.IMM64, (int) value, (int) (value >>> 32));
        }

        /// The 64-bit constant formed by both halves.
        public long value() {
            return (imm & 0xffffffffL) | ((long) nextImm << 32);
        }

        @Override
        public int slots() {
            return 2;
        }

        @Override
        public int opcode() {
            return 0x18;
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// Legacy packet access (`LD | ABS`/`LD | IND`): `r0 = ntoh(*(size *)(skb->data + [src +] imm))`.
    /// `index` is the register for `IND` and null for `ABS`.
    record LoadPacket(Size size, PacketMode mode, Reg index, int imm) implements Insn {
        public LoadPacket {
            Objects.requireNonNull(size);
            Objects.requireNonNull(mode);
            if (size == Size.DW) throw new IllegalArgumentException("no 64-bit packet load");
            if ((mode == PacketMode.IND) != (index != null)) {
                throw new IllegalArgumentException("an index register is needed exactly for ldind");
            }
        }

        @Override
        public int opcode() {
            return InsnClass.LD.bits | size.bits | mode.bits;
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// A conditional jump (RFC 9669 §4.3): `if dst cond src goto pc + 1 + offset`.
    record Jump(Width width, Cond cond, Reg dst, Operand src, short offset) implements Insn {
        public Jump {
            Objects.requireNonNull(width);
            Objects.requireNonNull(cond);
            Objects.requireNonNull(dst);
            Objects.requireNonNull(src);
        }

        @Override
        public int opcode() {
            return cond.code | (src instanceof Reg ? 0x08 : 0) | (width == Width.W64 ? InsnClass.JMP.bits : InsnClass.JMP32.bits);
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// An unconditional jump: `ja` (16-bit offset, `JMP` class) or `gotol` (v4, 32-bit offset in
    /// `imm`, `JMP32` class).
    record Goto(int offset, boolean wide) implements Insn {
        public Goto {
            if (!wide && offset != (short) offset) throw new IllegalArgumentException("ja offset " + offset + " needs gotol");
        }

        @Override
        public int opcode() {
            return wide ? 0x06 : 0x05;
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// `call` (RFC 9669 §4.3.1): a helper by id, a local function by relative offset, or a kfunc
    /// by BTF id. `btfModule` is the kfunc's module BTF index (the `offset` field; 0 for vmlinux).
    record Call(CallKind kind, int imm, short btfModule) implements Insn {
        public Call {
            Objects.requireNonNull(kind);
            if (btfModule != 0 && kind != CallKind.KFUNC) throw new IllegalArgumentException("only kfunc calls have an offset");
        }

        public Call(CallKind kind, int imm) {
            this(kind, imm, (short) 0);
        }

        @Override
        public int opcode() {
            return 0x85;
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// `callx` (Linux/clang extension, `JMP | CALL | X`): call the function whose address is in
    /// `target` (the `dst` field).
    record CallIndirect(Reg target) implements Insn {
        public CallIndirect {
            Objects.requireNonNull(target);
        }

        @Override
        public int opcode() {
            return 0x8d;
        }

        @Override
        public String toString() {
            return Syntax.conformance(this);
        }
    }

    /// `exit`: return r0 to the caller (RFC 9669 §4.3.1).
    record Exit() implements Insn {
        @Override
        public int opcode() {
            return 0x95;
        }

        @Override
        public String toString() {
            return "exit";
        }
    }
}
