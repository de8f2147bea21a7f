package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.FrontendException;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.runtime.interp.StaticCheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;

/// Reduces a failing program and its input memory while a predicate ("still diverges") holds:
/// removes runs of instructions (halving the run length down to one, branches retargeted by
/// [ProgramEdit]), replaces `lddw` by `mov` where the constant fits, ALU operations by moves,
/// loads by constant or register moves, calls by `mov r0, 0`,
/// simplifies immediates toward 0, 1, -1, memory offsets toward 0 and registers toward r0–r2,
/// then shortens and zeroes the memory, and repeats until
/// a round changes nothing. Every candidate must pass target and static checks before the
/// predicate sees it, so the result is always a valid program. Deterministic: no randomness,
/// a fixed order of attempts.
public final class Shrinker {
    /// The reduced program and memory, how many candidates the predicate judged and how many it kept.
    public record Result(Program program, byte[] mem, int candidates, int accepted) {
        public Result {
            mem = mem.clone();
        }

        @Override
        public byte[] mem() {
            return mem.clone();
        }
    }

    private final BiPredicate<Program, byte[]> stillFails;
    private final int maxCandidates;
    private Program program;
    private byte[] mem;
    private int candidates;
    private int accepted;

    /// `maxCandidates` bounds the predicate calls (each runs every engine).
    public Shrinker(BiPredicate<Program, byte[]> stillFails, int maxCandidates) {
        this.stillFails = stillFails;
        this.maxCandidates = maxCandidates;
    }

    public Shrinker(BiPredicate<Program, byte[]> stillFails) {
        this(stillFails, 20_000);
    }

    /// Shrinks `start` (which must satisfy the predicate) to a fixpoint or the candidate bound.
    public Result shrink(Program start, byte[] startMem) {
        program = start;
        mem = startMem.clone();
        candidates = 0;
        accepted = 0;
        boolean changed = true;
        while (changed && candidates < maxCandidates) {
            changed = removeRuns();
            changed |= simplifyInstructions();
            changed |= simplifyMemory();
        }
        return new Result(program, mem, candidates, accepted);
    }

    /// Tries the candidate; keeps it when valid and still failing.
    private boolean attempt(Program p, byte[] m) {
        if (p == null || candidates >= maxCandidates || !valid(p)) return false;
        candidates++;
        if (!stillFails.test(p, m)) return false;
        program = p;
        mem = m;
        accepted++;
        return true;
    }

    static boolean valid(Program p) {
        if (p.size() == 0) return false;
        try {
            Decoder.checkTargets(p);
        } catch (FrontendException e) {
            return false;
        }
        return StaticCheck.check(p) == null;
    }

    private boolean removeRuns() {
        boolean any = false;
        for (int run = Math.max(1, program.size() / 2); run >= 1; run /= 2) {
            int i = 0;
            while (i < program.size() && candidates < maxCandidates) {
                int to = Math.min(program.size(), i + run);
                if (attempt(ProgramEdit.remove(program, i, to), mem)) any = true;
                else i += run;
            }
            if (run == 1) break;
        }
        return any;
    }

    private boolean simplifyInstructions() {
        boolean any = false;
        for (int i = 0; i < program.size() && candidates < maxCandidates; i++) {
            for (Insn c : simpler(program.get(i))) {
                if (c.equals(program.get(i))) continue;
                if (attempt(ProgramEdit.replace(program, i, c), mem)) {
                    any = true;
                    break;
                }
            }
        }
        return any;
    }

    private boolean simplifyMemory() {
        boolean any = false;
        for (int len : new int[]{0, mem.length / 2, mem.length - 8, mem.length - 1}) {
            if (len >= 0 && len < mem.length && attempt(program, Arrays.copyOf(mem, len))) {
                any = true;
                break;
            }
        }
        for (int step : new int[]{8, 1}) {
            for (int i = 0; i < mem.length && candidates < maxCandidates; i += step) {
                byte[] m = mem.clone();
                boolean nonZero = false;
                for (int j = i; j < Math.min(m.length, i + step); j++) {
                    nonZero |= m[j] != 0;
                    m[j] = 0;
                }
                if (nonZero && attempt(program, m)) any = true;
            }
        }
        return any;
    }

    /// Simpler forms of an instruction, simplest first.
    static List<Insn> simpler(Insn insn) {
        List<Insn> out = new ArrayList<>();
        switch (insn) {
            case Insn.Alu a -> {
                if (a.op() == AluOp.NEG) {
                    out.add(new Insn.Alu(a.width(), AluOp.MOV, a.dst(), Imm.ZERO));
                    for (Reg d : lower(a.dst())) out.add(new Insn.Alu(a.width(), a.op(), d, a.src()));
                    break;
                }
                // Any operation becomes a move: it drops the dependence on dst's old value.
                if (a.op() != AluOp.MOV && !a.op().isMovsx()) out.add(new Insn.Alu(a.width(), AluOp.MOV, a.dst(), a.src()));
                if (!a.op().isMovsx()) for (Operand o : simplerOperand(a.src())) out.add(new Insn.Alu(a.width(), a.op(), a.dst(), o));
                else for (Reg r : lower((Reg) a.src())) out.add(new Insn.Alu(a.width(), a.op(), a.dst(), r));
                for (Reg d : lower(a.dst())) out.add(new Insn.Alu(a.width(), a.op(), d, a.src()));
            }
            case Insn.Jump j -> {
                for (Operand o : simplerOperand(j.src())) out.add(new Insn.Jump(j.width(), j.cond(), j.dst(), o, j.offset()));
                for (Reg d : lower(j.dst())) out.add(new Insn.Jump(j.width(), j.cond(), d, j.src(), j.offset()));
            }
            case Insn.Store s -> {
                for (Operand o : simplerOperand(s.value())) out.add(new Insn.Store(s.size(), s.base(), s.offset(), o));
                for (Reg b : lower(s.base())) out.add(new Insn.Store(s.size(), b, s.offset(), s.value()));
                for (short o : smaller(s.offset())) out.add(new Insn.Store(s.size(), s.base(), o, s.value()));
            }
            case Insn.Load l -> {
                // A load becomes a constant or a register move (a store-then-load pair collapses).
                out.add(new Insn.Alu(Width.W64, AluOp.MOV, l.dst(), Imm.ZERO));
                for (int r = 0; r <= 9; r++) if (r != l.dst().number()) out.add(new Insn.Alu(Width.W64, AluOp.MOV, l.dst(), Reg.of(r)));
                for (Reg d : lower(l.dst())) out.add(new Insn.Load(l.size(), l.signExtend(), d, l.base(), l.offset()));
                for (Reg b : lower(l.base())) out.add(new Insn.Load(l.size(), l.signExtend(), l.dst(), b, l.offset()));
                for (short o : smaller(l.offset())) out.add(new Insn.Load(l.size(), l.signExtend(), l.dst(), l.base(), o));
            }
            case Insn.Atomic a -> {
                for (Reg r : lower(a.src())) out.add(new Insn.Atomic(a.size(), a.op(), a.fetch(), a.base(), a.offset(), r));
                for (Reg b : lower(a.base())) out.add(new Insn.Atomic(a.size(), a.op(), a.fetch(), b, a.offset(), a.src()));
                for (short o : smaller(a.offset())) out.add(new Insn.Atomic(a.size(), a.op(), a.fetch(), a.base(), o, a.src()));
            }
            case Insn.Endian e -> {
                for (Reg d : lower(e.dst())) out.add(new Insn.Endian(e.op(), e.bits(), d));
            }
            case Insn.LoadImm64 l when l.source() == LddwSource.IMM64 -> {
                long v = l.value();
                if (v == (int) v) out.add(new Insn.Alu(Width.W64, AluOp.MOV, l.dst(), new Imm((int) v)));
                if (v == (v & 0xffff_ffffL)) out.add(new Insn.Alu(Width.W32, AluOp.MOV, l.dst(), new Imm((int) v)));
                for (long c : SIMPLE) if (rank(c) < rank(v)) out.add(Insn.LoadImm64.constant(l.dst(), c));
                for (Reg d : lower(l.dst())) out.add(Insn.LoadImm64.constant(d, v));
            }
            case Insn.CallIndirect c -> {
                out.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Imm.ZERO));
                for (Reg r : lower(c.target())) out.add(new Insn.CallIndirect(r));
            }
            // A call or packet load reduced to the r0 it defines: removing it alone would leave r0 unset.
            case Insn.Call c -> out.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Imm.ZERO));
            case Insn.LoadPacket lp -> out.add(new Insn.Alu(Width.W64, AluOp.MOV, Reg.R0, Imm.ZERO));
            default -> {
            }
        }
        return out;
    }

    /// Immediates in order of simplicity; any other value ranks after them. Candidates are only
    /// ever simpler than what they replace, so shrinking cannot cycle.
    private static final int[] SIMPLE = {0, 1, -1};

    private static int rank(long v) {
        for (int i = 0; i < SIMPLE.length; i++) if (SIMPLE[i] == v) return i;
        return SIMPLE.length;
    }

    private static List<Operand> simplerOperand(Operand o) {
        List<Operand> out = new ArrayList<>();
        switch (o) {
            case Imm i -> {
                for (int v : SIMPLE) if (rank(v) < rank(i.value())) out.add(new Imm(v));
            }
            case Reg r -> {
                out.add(Imm.ZERO);
                out.add(new Imm(1));
                out.addAll(lower(r));
            }
        }
        return out;
    }

    /// Memory offsets nearer 0 (0 itself, half, rounded down to 8): smaller memory needed, and
    /// strictly decreasing in magnitude so shrinking cannot cycle.
    private static List<Short> smaller(short off) {
        List<Short> out = new ArrayList<>();
        for (int o : new int[]{0, off / 2, (off / 8) * 8 == off ? off / 2 / 8 * 8 : (off / 8) * 8}) {
            if (Math.abs(o) < Math.abs(off) && !out.contains((short) o)) out.add((short) o);
        }
        return out;
    }

    /// r0, r1, r2 when below `r` (r10 stays: it is the only stack pointer).
    private static List<Reg> lower(Reg r) {
        List<Reg> out = new ArrayList<>();
        if (r == Reg.R10) return out;
        for (int i = 0; i < Math.min(3, r.number()); i++) out.add(Reg.of(i));
        return out;
    }
}
