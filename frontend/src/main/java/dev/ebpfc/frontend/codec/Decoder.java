package dev.ebpfc.frontend.codec;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.InsnClass;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/// Decodes eBPF bytecode into the instruction model, strictly: every field an encoding does not
/// use must be zero (RFC 9669 §3: "unused fields ... MUST be set to zero"), registers must exist,
/// an `lddw` must have its second slot, and every jump and local call must land on an instruction
/// inside the program. Errors name the slot and the reason.
public final class Decoder {
    private Decoder() {
    }

    /// Decodes a whole program and checks its branch targets.
    public static Program decode(byte[] bytes) {
        if (bytes.length % 8 != 0) {
            throw new EncodingException(bytes.length / 8,
                    "program is " + bytes.length + " bytes, not a multiple of 8 (truncated instruction)");
        }
        long[] slots = new long[bytes.length / 8];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < slots.length; i++) slots[i] = buf.getLong();
        return decode(slots);
    }

    public static Program decode(long[] slots) {
        List<Insn> out = new ArrayList<>();
        int s = 0;
        while (s < slots.length) {
            Insn insn = decodeAt(slots, s);
            out.add(insn);
            s += insn.slots();
        }
        Program program = new Program(out);
        checkTargets(program);
        return program;
    }

    /// Decodes the instruction starting at slot `s`, without checking where it branches.
    public static Insn decodeAt(long[] slots, int s) {
        RawInsn r = RawInsn.fromLong(slots[s]);
        InsnClass cls = InsnClass.of(r.opcode());
        return switch (cls) {
            case ALU, ALU64 -> alu(r, s, cls == InsnClass.ALU64 ? Width.W64 : Width.W32);
            case JMP, JMP32 -> jump(r, s, cls == InsnClass.JMP ? Width.W64 : Width.W32);
            case LDX -> ldx(r, s);
            case ST -> st(r, s);
            case STX -> stx(r, s);
            case LD -> ld(slots, r, s);
        };
    }

    private static Insn alu(RawInsn r, int s, Width width) {
        int code = r.opcode() & 0xf0;
        boolean x = (r.opcode() & 0x08) != 0;
        Reg dst = reg(r.dst(), s, "dst");
        if (code == 0xd0) {
            zero(r.src(), s, "src register");
            zero(r.offset(), s, "offset");
            if (r.imm() != 16 && r.imm() != 32 && r.imm() != 64) throw fail(s, "byte swap width " + r.imm() + " is not 16, 32 or 64");
            EndianOp op;
            if (width == Width.W32) op = x ? EndianOp.BE : EndianOp.LE;
            else if (!x) op = EndianOp.BSWAP;
            else throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (bswap has no register form)");
            return new Insn.Endian(op, r.imm(), dst);
        }
        if (code > 0xc0) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()));
        AluOp op = AluOp.decode(code, r.offset());
        if (op == null) {
            if (AluOp.decode(code, 0) != null) {
                throw fail(s, "offset " + r.offset() + " is not valid for " + AluOp.decode(code, 0).mnemonic);
            }
            throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()));
        }
        if (op == AluOp.NEG) {
            if (x) throw fail(s, "neg has no register form (opcode 0x" + Integer.toHexString(r.opcode()) + ")");
            zero(r.src(), s, "src register");
            zero(r.imm(), s, "immediate");
            return new Insn.Alu(width, op, dst, Imm.ZERO);
        }
        if (op.isMovsx()) {
            if (!x) throw fail(s, op.mnemonic + " has no immediate form");
            if (op == AluOp.MOVSX32 && width == Width.W32) throw fail(s, "offset 32 is not valid for 32-bit mov");
        }
        Operand src;
        if (x) {
            zero(r.imm(), s, "immediate");
            src = reg(r.src(), s, "src");
        } else {
            zero(r.src(), s, "src register");
            src = new Imm(r.imm());
        }
        return new Insn.Alu(width, op, dst, src);
    }

    private static Insn jump(RawInsn r, int s, Width width) {
        int code = r.opcode() & 0xf0;
        boolean x = (r.opcode() & 0x08) != 0;
        switch (code) {
            case 0x00 -> {
                if (x) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()));
                zero(r.dst(), s, "dst register");
                zero(r.src(), s, "src register");
                if (width == Width.W64) {
                    zero(r.imm(), s, "immediate");
                    return new Insn.Goto(r.offset(), false);
                }
                zero(r.offset(), s, "offset");
                return new Insn.Goto(r.imm(), true);
            }
            case 0x80 -> {
                if (width == Width.W32) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (call is JMP class only)");
                if (x) {
                    zero(r.src(), s, "src register");
                    zero(r.offset(), s, "offset");
                    zero(r.imm(), s, "immediate");
                    return new Insn.CallIndirect(reg(r.dst(), s, "dst"));
                }
                zero(r.dst(), s, "dst register");
                CallKind kind = CallKind.decode(r.src());
                if (kind == null) throw fail(s, "call with unknown source " + r.src() + " (0 helper, 1 local, 2 kfunc)");
                if (kind != CallKind.KFUNC) zero(r.offset(), s, "offset");
                return new Insn.Call(kind, r.imm(), kind == CallKind.KFUNC ? r.offset() : 0);
            }
            case 0x90 -> {
                if (width == Width.W32 || x) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (exit is 0x95)");
                zero(r.dst(), s, "dst register");
                zero(r.src(), s, "src register");
                zero(r.offset(), s, "offset");
                zero(r.imm(), s, "immediate");
                return new Insn.Exit();
            }
            default -> {
                Cond cond = Cond.decode(code);
                if (cond == null) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()));
                Reg dst = reg(r.dst(), s, "dst");
                Operand src;
                if (x) {
                    zero(r.imm(), s, "immediate");
                    src = reg(r.src(), s, "src");
                } else {
                    zero(r.src(), s, "src register");
                    src = new Imm(r.imm());
                }
                return new Insn.Jump(width, cond, dst, src, r.offset());
            }
        }
    }

    private static Insn ldx(RawInsn r, int s) {
        int mode = r.opcode() & 0xe0;
        Size size = Size.ofBits(r.opcode());
        if (mode != 0x60 && mode != 0x80) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (LDX takes MEM or MEMSX mode)");
        if (mode == 0x80 && size == Size.DW) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (no sign-extending 64-bit load)");
        zero(r.imm(), s, "immediate");
        return new Insn.Load(size, mode == 0x80, reg(r.dst(), s, "dst"), reg(r.src(), s, "src"), r.offset());
    }

    private static Insn st(RawInsn r, int s) {
        if ((r.opcode() & 0xe0) != 0x60) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (ST takes MEM mode)");
        zero(r.src(), s, "src register");
        return new Insn.Store(Size.ofBits(r.opcode()), reg(r.dst(), s, "dst"), r.offset(), new Imm(r.imm()));
    }

    private static Insn stx(RawInsn r, int s) {
        int mode = r.opcode() & 0xe0;
        Size size = Size.ofBits(r.opcode());
        Reg base = reg(r.dst(), s, "dst");
        Reg src = reg(r.src(), s, "src");
        if (mode == 0x60) {
            zero(r.imm(), s, "immediate");
            return new Insn.Store(size, base, r.offset(), src);
        }
        if (mode != 0xc0) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (STX takes MEM or ATOMIC mode)");
        if (size != Size.W && size != Size.DW) throw fail(s, "atomic operations are 32 or 64 bit, not " + size.bytes * 8);
        AtomicOp op = AtomicOp.decode(r.imm() & ~AtomicOp.FETCH);
        if (op == null) throw fail(s, "unknown atomic operation 0x" + Integer.toHexString(r.imm()));
        boolean fetch = (r.imm() & AtomicOp.FETCH) != 0;
        if (op.requiresFetch() && !fetch) throw fail(s, op.mnemonic + " without FETCH (imm 0x" + Integer.toHexString(r.imm()) + ")");
        return new Insn.Atomic(size, op, fetch, base, r.offset(), src);
    }

    private static Insn ld(long[] slots, RawInsn r, int s) {
        int mode = r.opcode() & 0xe0;
        Size size = Size.ofBits(r.opcode());
        if (mode == 0x00) {
            if (size != Size.DW) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()) + " (the only immediate load is lddw, 0x18)");
            if (s + 1 >= slots.length) throw fail(s, "lddw is missing its second slot (truncated)");
            RawInsn hi = RawInsn.fromLong(slots[s + 1]);
            if (hi.opcode() != 0 || hi.dst() != 0 || hi.src() != 0 || hi.offset() != 0) {
                throw fail(s + 1, "second slot of lddw must have only an immediate, found " + hi);
            }
            zero(r.offset(), s, "offset");
            LddwSource source = LddwSource.decode(r.src());
            if (source == null) throw fail(s, "lddw with unknown source " + r.src());
            if (!source.hasValueOffset() && source != LddwSource.IMM64) zero(hi.imm(), s + 1, "immediate of the second slot");
            return new Insn.LoadImm64(reg(r.dst(), s, "dst"), source, r.imm(), hi.imm());
        }
        PacketMode pm = mode == 0x20 ? PacketMode.ABS : mode == 0x40 ? PacketMode.IND : null;
        if (pm == null || size == Size.DW) throw fail(s, "unknown opcode 0x" + Integer.toHexString(r.opcode()));
        zero(r.dst(), s, "dst register");
        zero(r.offset(), s, "offset");
        if (pm == PacketMode.ABS) {
            zero(r.src(), s, "src register");
            return new Insn.LoadPacket(size, pm, null, r.imm());
        }
        return new Insn.LoadPacket(size, pm, reg(r.src(), s, "src"), r.imm());
    }

    /// Every jump, `gotol`, local call and function address must land on an instruction start.
    public static void checkTargets(Program program) {
        for (int i = 0; i < program.size(); i++) {
            if (!Program.hasTarget(program.get(i))) continue;
            int target = program.branchTarget(i);
            if (target < 0 || target >= program.slotCount()) {
                throw new EncodingException(program.slot(i), "jump out of the program (to slot " + target + " of " + program.slotCount() + ")");
            }
            if (program.indexAtSlot(target) < 0) {
                throw new EncodingException(program.slot(i), "jump into the middle of lddw at slot " + (target - 1));
            }
        }
    }

    private static Reg reg(int n, int s, String field) {
        Reg r = Reg.ofOrNull(n);
        if (r == null) throw fail(s, "bad " + field + " register r" + n + " (r0–r10 exist)");
        return r;
    }

    private static void zero(int value, int s, String field) {
        if (value != 0) throw fail(s, "reserved " + field + " must be 0, found " + value);
    }

    private static EncodingException fail(int s, String reason) {
        return new EncodingException(s, reason);
    }
}
