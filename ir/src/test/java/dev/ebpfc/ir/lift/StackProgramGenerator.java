package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/// Seeded programs that hammer a few stack words, for stack-slot promotion: loads and stores of
/// every size (signed loads too) at offsets that overlap within a word and sometimes straddle
/// two, through r10 and through a derived pointer, under forward branches and a bounded loop,
/// mixed with ALU work; at the end every register and every word of the area is folded into r0,
/// so whatever promotion gets wrong shows in the result. The bytecode generator spreads its
/// accesses over the whole frame and rarely reads back what it stored; this one mostly does.
final class StackProgramGenerator {
    private static final Reg[] WORK = {Reg.R6, Reg.R7, Reg.R8, Reg.R9};
    /// The area used: 5 words below r10.
    private static final int AREA = 40;
    private static final AluOp[] OPS = {AluOp.ADD, AluOp.SUB, AluOp.XOR, AluOp.MUL, AluOp.OR, AluOp.AND, AluOp.LSH, AluOp.RSH, AluOp.ARSH};

    private final Random rnd;
    private boolean inLoop;

    StackProgramGenerator(long seed) {
        rnd = new Random(seed);
    }

    ProgramDef generate() {
        List<Insn> out = new ArrayList<>();
        for (Reg r : WORK) out.add(new Insn.Alu(Width.W64, AluOp.MOV, r, new Imm(rnd.nextInt())));
        // r3 = r10 - 16: a derived stack pointer.
        out.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R3, Reg.R10));
        out.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R3, new Imm(-16)));
        out.addAll(block(12 + rnd.nextInt(20), 0));
        out.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(0)));
        for (Reg r : WORK) mix(out, r);
        for (int off = -AREA; off < 0; off += 8) {
            out.add(new Insn.Load(Size.DW, false, Reg.R2, Reg.R10, (short) off));
            mix(out, Reg.R2);
        }
        out.add(new Insn.Exit());
        return ProgramDef.of("stack", new Program(out));
    }

    private static void mix(List<Insn> out, Reg r) {
        out.add(new Insn.Alu(Width.W64, AluOp.MUL, Reg.R0, new Imm(31)));
        out.add(new Insn.Alu(Width.W64, AluOp.ADD, Reg.R0, r));
    }

    private List<Insn> block(int n, int depth) {
        List<Insn> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(20);
            if (k < 6) store(out);
            else if (k < 12) load(out);
            else if (k < 16) alu(out);
            else if (k < 19 && depth < 3) {
                List<Insn> body = block(1 + rnd.nextInt(5), depth + 1);
                Cond c = Cond.values()[rnd.nextInt(Cond.values().length)];
                out.add(new Insn.Jump(rnd.nextBoolean() ? Width.W64 : Width.W32, c, work(), new Imm(rnd.nextInt(64) - 32), (short) body.size()));
                out.addAll(body);
            } else if (!inLoop && depth < 2) {
                inLoop = true;
                List<Insn> body = block(2 + rnd.nextInt(6), depth + 1);
                inLoop = false;
                out.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R5, new Imm(1 + rnd.nextInt(4))));
                out.addAll(body);
                out.add(new Insn.Alu(Width.W64, AluOp.SUB, Reg.R5, new Imm(1)));
                out.add(new Insn.Jump(Width.W64, Cond.JNE, Reg.R5, new Imm(0), (short) -(body.size() + 2)));
            }
        }
        return out;
    }

    private Reg work() {
        return WORK[rnd.nextInt(WORK.length)];
    }

    private Size size() {
        return Size.values()[rnd.nextInt(Size.values().length)];
    }

    /// An offset from r10 for `size` bytes inside the area: usually aligned to the size,
    /// sometimes anywhere (which may straddle two words).
    private int offset(Size size) {
        int slots = AREA / size.bytes;
        if (rnd.nextInt(8) == 0) return -size.bytes - rnd.nextInt(AREA - size.bytes + 1);
        return -size.bytes * (1 + rnd.nextInt(slots));
    }

    private void store(List<Insn> out) {
        Size size = size();
        int off = offset(size);
        boolean viaR3 = rnd.nextInt(4) == 0 && off + 16 < 0 && off >= -AREA;
        out.add(new Insn.Store(size, viaR3 ? Reg.R3 : Reg.R10, (short) (viaR3 ? off + 16 : off),
                rnd.nextInt(3) == 0 ? new Imm(rnd.nextInt()) : work()));
    }

    private void load(List<Insn> out) {
        Size size = size();
        boolean signed = size != Size.DW && rnd.nextInt(3) == 0;
        out.add(new Insn.Load(size, signed, work(), Reg.R10, (short) offset(size)));
    }

    private void alu(List<Insn> out) {
        AluOp op = OPS[rnd.nextInt(OPS.length)];
        Width w = rnd.nextInt(3) == 0 ? Width.W32 : Width.W64;
        boolean shift = op == AluOp.LSH || op == AluOp.RSH || op == AluOp.ARSH;
        out.add(new Insn.Alu(w, op, work(), shift ? new Imm(rnd.nextInt(w == Width.W32 ? 32 : 64)) : work()));
    }
}
