package dev.ebpfc.runtime;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.interp.Interpreter;
import dev.ebpfc.runtime.maps.MapSet;

import java.util.ArrayList;
import java.util.List;

/// Builds test programs from instruction records, one call per instruction (the assembler lives in
/// another branch), and runs them.
final class Asm {
    final List<Insn> insns = new ArrayList<>();

    static Reg r(int n) {
        return Reg.of(n);
    }

    Asm add(Insn i) {
        insns.add(i);
        return this;
    }

    Asm mov(int d, int imm) {
        return alu64(AluOp.MOV, d, imm);
    }

    Asm movr(int d, int s) {
        return alu64r(AluOp.MOV, d, s);
    }

    Asm alu64(AluOp op, int d, int imm) {
        return add(new Insn.Alu(Width.W64, op, r(d), new Imm(imm)));
    }

    Asm alu64r(AluOp op, int d, int s) {
        return add(new Insn.Alu(Width.W64, op, r(d), r(s)));
    }

    Asm alu32(AluOp op, int d, int imm) {
        return add(new Insn.Alu(Width.W32, op, r(d), new Imm(imm)));
    }

    Asm alu32r(AluOp op, int d, int s) {
        return add(new Insn.Alu(Width.W32, op, r(d), r(s)));
    }

    Asm endian(EndianOp op, int bits, int d) {
        return add(new Insn.Endian(op, bits, r(d)));
    }

    Asm lddw(int d, long v) {
        return add(Insn.LoadImm64.constant(r(d), v));
    }

    Asm lddw(int d, LddwSource src, int imm, int next) {
        return add(new Insn.LoadImm64(r(d), src, imm, next));
    }

    Asm ldx(Size s, int d, int base, int off) {
        return add(new Insn.Load(s, false, r(d), r(base), (short) off));
    }

    Asm ldxs(Size s, int d, int base, int off) {
        return add(new Insn.Load(s, true, r(d), r(base), (short) off));
    }

    Asm st(Size s, int base, int off, int imm) {
        return add(new Insn.Store(s, r(base), (short) off, new Imm(imm)));
    }

    Asm stx(Size s, int base, int off, int src) {
        return add(new Insn.Store(s, r(base), (short) off, r(src)));
    }

    Asm atomic(Size s, AtomicOp op, boolean fetch, int base, int off, int src) {
        return add(new Insn.Atomic(s, op, fetch, r(base), (short) off, r(src)));
    }

    Asm jmp(Cond c, int d, int imm, int off) {
        return add(new Insn.Jump(Width.W64, c, r(d), new Imm(imm), (short) off));
    }

    Asm jmpr(Cond c, int d, int s, int off) {
        return add(new Insn.Jump(Width.W64, c, r(d), r(s), (short) off));
    }

    Asm jmp32(Cond c, int d, int imm, int off) {
        return add(new Insn.Jump(Width.W32, c, r(d), new Imm(imm), (short) off));
    }

    Asm ja(int off) {
        return add(new Insn.Goto(off, false));
    }

    Asm call(int helper) {
        return add(new Insn.Call(CallKind.HELPER, helper));
    }

    Asm callLocal(int off) {
        return add(new Insn.Call(CallKind.LOCAL, off));
    }

    Asm callx(int reg) {
        return add(new Insn.CallIndirect(r(reg)));
    }

    Asm ldabs(Size s, int imm) {
        return add(new Insn.LoadPacket(s, PacketMode.ABS, null, imm));
    }

    Asm ldind(Size s, int idx, int imm) {
        return add(new Insn.LoadPacket(s, PacketMode.IND, r(idx), imm));
    }

    Asm exit() {
        return add(new Insn.Exit());
    }

    Program program() {
        return new Program(insns);
    }

    ProgramDef def(String section) {
        return new ProgramDef("test", section, program(), List.of(new ProgramDef.Function("test", 0)), List.of());
    }

    /// Runs under the conformance options (raw memory, conformance helpers).
    ExecutionResult run(byte[] mem) {
        return new Interpreter(program(), RuntimeOptions.conformance()).run(RunInput.of(mem));
    }

    ExecutionResult run() {
        return run(new byte[0]);
    }

    ExecutionResult run(RuntimeOptions options, MapSet maps, RunInput input) {
        return new Interpreter(program(), options).run(maps, input);
    }
}
