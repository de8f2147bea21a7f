package dev.ebpfc.frontend.codec;

import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/// Encodes the instruction model into bytecode (RFC 9669 §3). The inverse of [Decoder]:
/// `encode(decode(bytes))` gives back `bytes` for every valid program.
public final class Encoder {
    private Encoder() {
    }

    public static byte[] encode(Program program) {
        ByteBuffer buf = ByteBuffer.allocate(program.slotCount() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Insn insn : program.insns()) {
            for (RawInsn r : encode(insn)) buf.putLong(r.toLong());
        }
        return buf.array();
    }

    /// The raw slots of one instruction (two for `lddw`).
    public static RawInsn[] encode(Insn insn) {
        int op = insn.opcode();
        return switch (insn) {
            case Insn.Alu a -> new RawInsn[] {switch (a.src()) {
                case Reg r -> new RawInsn(op, a.dst().number(), r.number(), (short) a.op().offset, 0);
                case Imm i -> new RawInsn(op, a.dst().number(), 0, (short) a.op().offset, i.value());
            }};
            case Insn.Endian e -> one(op, e.dst().number(), 0, 0, e.bits());
            case Insn.Load l -> one(op, l.dst().number(), l.base().number(), l.offset(), 0);
            case Insn.Store s -> new RawInsn[] {switch (s.value()) {
                case Reg r -> new RawInsn(op, s.base().number(), r.number(), s.offset(), 0);
                case Imm i -> new RawInsn(op, s.base().number(), 0, s.offset(), i.value());
            }};
            case Insn.Atomic a -> one(op, a.base().number(), a.src().number(), a.offset(), a.imm());
            case Insn.LoadImm64 l -> new RawInsn[] {
                new RawInsn(op, l.dst().number(), l.source().code(), (short) 0, l.imm()),
                new RawInsn(0, 0, 0, (short) 0, l.nextImm())};
            case Insn.LoadPacket p -> one(op, 0, p.index() == null ? 0 : p.index().number(), 0, p.imm());
            case Insn.Jump j -> new RawInsn[] {switch (j.src()) {
                case Reg r -> new RawInsn(op, j.dst().number(), r.number(), j.offset(), 0);
                case Imm i -> new RawInsn(op, j.dst().number(), 0, j.offset(), i.value());
            }};
            case Insn.Goto g -> g.wide() ? one(op, 0, 0, 0, g.offset()) : one(op, 0, 0, g.offset(), 0);
            case Insn.Call c -> one(op, 0, c.kind().code(), c.btfModule(), c.imm());
            case Insn.CallIndirect c -> one(op, c.target().number(), 0, 0, 0);
            case Insn.Exit e -> one(op, 0, 0, 0, 0);
        };
    }

    private static RawInsn[] one(int opcode, int dst, int src, int offset, int imm) {
        return new RawInsn[] {new RawInsn(opcode, dst, src, (short) offset, imm)};
    }
}
