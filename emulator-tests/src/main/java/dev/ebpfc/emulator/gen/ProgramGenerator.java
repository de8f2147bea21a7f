package dev.ebpfc.emulator.gen;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/// Generates valid, terminating eBPF programs for differential testing: same seed, same program
/// and input memory. Valid by construction, so every engine must agree on them (the JITs do no
/// bounds checks): registers are read only where initialised on every path, memory is accessed
/// only through pointers of known offset inside the input memory or the current frame's
/// initialised stack, loops count a reserved register down, calls go only to later functions
/// (depth ≤ 8), and a running estimate keeps the dynamic instruction count bounded.
///
/// Shape of a program (conformance convention: r1 = input memory, r2 = its length):
/// - every function stores r1 (the input memory's address, passed on to every local call) at
///   r10[MEM_SLOT] and initialises two stack arenas: the frame's bottom (r10-512 up) and top (down
///   to r10-1); stack reads and writes stay inside them;
/// - a body of statements ([Feature]) with nested branches, loops and calls, sometimes ended by a
///   restart (a counted jump back to the function's first instruction);
/// - an epilogue every early exit jumps to. The entry function's epilogue copies the registers
///   initialised on every path and its stack arenas into the input memory, so the whole state
///   shows in the memory snapshot that engines compare, then hashes that memory into r0, so it
///   shows in a conformance test's result too.
///
/// Input memory: `data` (read and written by the body), then the register dump (80 bytes), the
/// arena dump, and one restart counter per function (8 bytes each, initially 0).
public final class ProgramGenerator {
    /// Where every function keeps the input memory's address.
    public static final int MEM_SLOT = -264;
    /// Scratch slot of the entry function's epilogue.
    static final int SAVE_SLOT = -272;
    static final int FRAME = 512;
    /// Short-branch ranges to cross, in BPF instructions: x86 rel8 (±127 bytes) is a few dozen,
    /// RISC-V B-type (±4 KiB) a few hundred, ARM64 tbz (±32 KiB) a few thousand.
    private static final int[][] FILLER = {{24, 160}, {400, 1200}, {2600, 4000}};
    /// Past this many instructions no statement nests or adds filler, so every jump offset fits
    /// in 16 bits (lddw filler takes two slots) whatever the feature weights.
    private static final int SIZE_LIMIT = 12_000;

    private final GeneratorConfig config;

    public ProgramGenerator(GeneratorConfig config) {
        this.config = config;
    }

    public ProgramGenerator() {
        this(GeneratorConfig.defaults());
    }

    public GeneratorConfig config() {
        return config;
    }

    public GeneratedProgram generate(long seed) {
        return new Run(seed).generate();
    }

    /// One function being written.
    private static final class Fn {
        final int index;
        final int entry;
        final int exit;
        final int lowArena;
        final int highArena;
        final List<RegState> exits = new ArrayList<>();
        long cost;

        Fn(int index, int entry, int exit, int lowArena, int highArena) {
            this.index = index;
            this.entry = entry;
            this.exit = exit;
            this.lowArena = lowArena;
            this.highArena = highArena;
        }
    }

    /// A memory operand: base register and the offset field.
    private record Access(int base, int offset) {
    }

    /// The state of one generation.
    private final class Run {
        final long seed;
        final SplittableRandom rng;
        final CodeBuffer code = new CodeBuffer();
        final Feature[] features = Feature.values();
        final int totalWeight;
        final boolean longProgram;
        int dataSize, memSize, dumpBase, arenaDumpBase, counterBase;
        Fn[] fns;
        Fn cur;
        // The context of the statement being written.
        long mult = 1;
        int protect;
        /// Registers the statement being written has set up and must not overwrite.
        int avoid;
        int loopDepth;
        int nest;
        boolean callsOk = true;
        int emitted;

        Run(long seed) {
            this.seed = seed;
            this.rng = new SplittableRandom(seed);
            int t = 0;
            for (Feature f : features) t += config.weight(f);
            this.totalWeight = t;
            this.longProgram = rng.nextDouble() < config.longProgramChance();
        }

        GeneratedProgram generate() {
            int k = config.maxFunctions() == 0 || rng.nextInt(3) == 0 ? 0 : rng.nextInt(1, config.maxFunctions() + 1);
            fns = new Fn[k + 1];
            for (int i = 0; i <= k; i++) fns[i] = new Fn(i, code.newLabel(), code.newLabel(), 8 * rng.nextInt(1, 9), 8 * rng.nextInt(1, 9));
            dataSize = rng.nextInt(config.minData(), config.maxData() + 1);
            dumpBase = (dataSize + 7) & ~7;
            arenaDumpBase = dumpBase + 80;
            counterBase = arenaDumpBase + fns[0].lowArena + fns[0].highArena;
            memSize = counterBase + 8 * (k + 1);
            for (int i = k; i >= 0; i--) function(fns[i]);
            return new GeneratedProgram(seed, code.build(), memory());
        }

        byte[] memory() {
            byte[] mem = new byte[memSize];
            int mode = rng.nextInt(10);
            for (int i = 0; i < dataSize; i++) {
                mem[i] = switch (mode) {
                    case 0 -> 0;
                    case 1, 2 -> (byte) rng.nextInt(4);
                    case 3 -> (byte) (rng.nextBoolean() ? 0xff : 0x80);
                    default -> (byte) rng.nextInt(256);
                };
            }
            return mem;
        }

        long cap(Fn f) {
            return f.index == 0 ? config.maxDynamicInsns() : config.maxDynamicInsns() / 4;
        }

        // ---- emission -------------------------------------------------------------------------

        void emit(Insn insn) {
            code.emit(insn);
            cur.cost += mult;
            emitted++;
        }

        void toLabel(int label, IntFunction<Insn> make) {
            code.toLabel(label, make);
            cur.cost += mult;
            emitted++;
        }

        /// Whether statements that nest or add filler may still grow the program.
        boolean roomFor(int insns) {
            return emitted + insns < SIZE_LIMIT;
        }

        void jump(Width w, Cond c, int dst, Operand src, int label) {
            toLabel(label, off -> new Insn.Jump(w, c, Reg.of(dst), src, (short) checkShort(off)));
        }

        void jumpAlways(int label, boolean wide) {
            toLabel(label, off -> new Insn.Goto(wide ? off : checkShort(off), wide));
        }

        int checkShort(int off) {
            if (off != (short) off) throw new IllegalStateException("jump offset " + off + " does not fit 16 bits");
            return off;
        }

        void alu(Width w, AluOp op, int dst, Operand src) {
            emit(new Insn.Alu(w, op, Reg.of(dst), src));
        }

        void movImm(RegState s, int r, long v) {
            if (v == (int) v && rng.nextInt(4) != 0) alu(Width.W64, AluOp.MOV, r, new Imm((int) v));
            else if (v == (v & 0xffff_ffffL) && rng.nextInt(3) == 0) alu(Width.W32, AluOp.MOV, r, new Imm((int) v));
            else emit(Insn.LoadImm64.constant(Reg.of(r), v));
            s.scalar(r);
        }

        void loadMemPointer(RegState s, int r) {
            emit(new Insn.Load(Size.DW, false, Reg.of(r), Reg.R10, (short) MEM_SLOT));
            s.pointer(r, RegState.MEM, 0);
        }

        // ---- registers ------------------------------------------------------------------------

        boolean writable(int r) {
            return r >= 0 && r < 10 && ((protect | avoid) & (1 << r)) == 0;
        }

        /// A register, biased to r0 (implicit in x86 division) and r1–r5 (arguments, rcx/rdx).
        int anyReg() {
            int x = rng.nextInt(10);
            return x < 3 ? 0 : x < 6 ? rng.nextInt(1, 6) : rng.nextInt(10);
        }

        int pickWritable() {
            for (int t = 0; t < 6; t++) {
                int r = anyReg();
                if (writable(r)) return r;
            }
            int start = rng.nextInt(10);
            for (int i = 0; i < 10; i++) if (writable((start + i) % 10)) return (start + i) % 10;
            return -1;
        }

        int pickInit(RegState s, boolean frame) {
            if (frame && rng.nextInt(16) == 0) return 10;
            for (int t = 0; t < 6; t++) {
                int r = anyReg();
                if (s.isInit(r)) return r;
            }
            int start = rng.nextInt(10);
            for (int i = 0; i < 10; i++) if (s.isInit((start + i) % 10)) return (start + i) % 10;
            return 10;
        }

        int pickInitWritable(RegState s) {
            for (int t = 0; t < 6; t++) {
                int r = anyReg();
                if (writable(r) && s.isInit(r)) return r;
            }
            int start = rng.nextInt(10);
            for (int i = 0; i < 10; i++) {
                int r = (start + i) % 10;
                if (writable(r) && s.isInit(r)) return r;
            }
            return -1;
        }

        /// An initialised writable register, setting one up when there is none; -1 if none is writable.
        int initWritable(RegState s) {
            int r = pickInitWritable(s);
            if (r >= 0 && rng.nextInt(5) != 0) return r;
            int w = pickWritable();
            if (w < 0) return r;
            movImm(s, w, Immediates.imm64(rng));
            return w;
        }

        /// An immediate or an initialised register (sometimes `dst` itself).
        Operand source(RegState s, int dst) {
            if (rng.nextBoolean()) return new Imm(Immediates.imm(rng));
            if (dst >= 0 && s.isInit(dst) && rng.nextInt(6) == 0) return Reg.of(dst);
            return Reg.of(pickInit(s, true));
        }

        int writableCount() {
            return 10 - Integer.bitCount(protect & 0x3ff);
        }

        // ---- functions ------------------------------------------------------------------------

        void function(Fn f) {
            cur = f;
            code.section(f.index);
            code.bind(f.entry);
            RegState s = new RegState();
            s.pointer(1, RegState.MEM, 0);
            for (int r = 2; r <= (f.index == 0 ? 2 : 5); r++) s.scalar(r);
            emit(new Insn.Store(Size.DW, Reg.R10, (short) MEM_SLOT, Reg.R1));
            initArena(s, -FRAME, f.lowArena);
            initArena(s, -f.highArena, f.highArena);
            int n = f.index == 0
                    ? rng.nextInt(config.minStatements(), config.maxStatements() + 1)
                    : rng.nextInt(Math.max(1, config.minStatements() / 2), config.maxStatements() / 2 + 2);
            if (longProgram && f.index == 0) {
                int before = rng.nextInt(n + 1);
                s = block(s, before);
                s = longStatement(s);
                s = block(s, n - before);
            } else {
                s = block(s, n);
            }
            int trips = rng.nextInt(1, 4);
            if (rng.nextDouble() < config.restartChance() && f.cost * (trips + 1) + 20 <= cap(f)) {
                s = restart(s, f, trips);
                f.cost *= trips + 1;
            }
            f.exits.add(s);
            code.bind(f.exit);
            RegState e = f.exits.get(0);
            for (RegState x : f.exits) e = RegState.meet(e, x);
            if (f.index == 0) dumpEpilogue(e, f);
            else calleeEpilogue(e);
        }

        /// Writes every byte of a stack arena with stores of mixed sizes, immediates and registers.
        void initArena(RegState s, int lo, int bytes) {
            for (int o = lo; o < lo + bytes; o += 8) {
                int parts = switch (rng.nextInt(5)) {
                    case 0, 1 -> 1;
                    case 2 -> 2;
                    case 3 -> 4;
                    default -> 8;
                };
                int step = 8 / parts;
                for (int p = 0; p < parts; p++) {
                    Size size = Size.ofBytes(step);
                    Operand v = rng.nextInt(3) == 0 ? Reg.of(pickInit(s, true)) : new Imm(Immediates.imm(rng));
                    emit(new Insn.Store(size, Reg.R10, (short) (o + p * step), v));
                }
            }
        }

        /// Counted jump back to the function's first instruction, the counter in the input memory.
        RegState restart(RegState s, Fn f, int trips) {
            loadMemPointer(s, 1);
            int u = new int[]{0, 6, 7, 8, 9, 2, 3}[rng.nextInt(7)];
            short at = (short) (counterBase + 8 * f.index);
            emit(new Insn.Load(Size.DW, false, Reg.of(u), Reg.R1, at));
            alu(Width.W64, AluOp.ADD, u, new Imm(1));
            emit(new Insn.Store(Size.DW, Reg.R1, at, Reg.of(u)));
            s.scalar(u);
            // The entry state needs the argument registers.
            for (int r = 2; r <= (f.index == 0 ? 2 : 5); r++) if (!s.isInit(r)) movImm(s, r, Immediates.imm(rng));
            if (rng.nextBoolean()) jump(Width.W64, Cond.JLE, u, new Imm(trips), f.entry);
            else jump(Width.W32, Cond.JLT, u, new Imm(trips + 1), f.entry);
            return s;
        }

        /// Stores the registers initialised on every path and the stack arenas into the input
        /// memory, so engines compare them; returns r0.
        void dumpEpilogue(RegState e, Fn f) {
            int p;
            do p = rng.nextInt(10); while (p == 0);
            boolean saveP = e.isInit(p);
            if (saveP) emit(new Insn.Store(Size.DW, Reg.R10, (short) SAVE_SLOT, Reg.of(p)));
            emit(new Insn.Load(Size.DW, false, Reg.of(p), Reg.R10, (short) MEM_SLOT));
            for (int r = 0; r < 10; r++) {
                if (r != p && e.isInit(r)) emit(new Insn.Store(Size.DW, Reg.of(p), (short) (dumpBase + 8 * r), Reg.of(r)));
            }
            int q;
            do q = rng.nextInt(10); while (q == p || (q == 0 && e.isInit(0)));
            if (saveP) {
                emit(new Insn.Load(Size.DW, false, Reg.of(q), Reg.R10, (short) SAVE_SLOT));
                emit(new Insn.Store(Size.DW, Reg.of(p), (short) (dumpBase + 8 * p), Reg.of(q)));
            }
            int at = arenaDumpBase;
            for (int o = -FRAME; o < -FRAME + f.lowArena; o += 8, at += 8) copyDword(p, q, o, at);
            for (int o = -f.highArena; o < 0; o += 8, at += 8) copyDword(p, q, o, at);
            fold(e, p);
            emit(new Insn.Exit());
        }

        /// Hashes the whole input memory (data, register dump, arena dump, counters) into r0,
        /// seeded with r0 when it is set, so a divergence anywhere shows in the result a
        /// conformance test checks. A loop with a variable pointer offset: one more thing to get right.
        void fold(RegState e, int p) {
            if (!e.isInit(0)) alu(Width.W64, AluOp.MOV, 0, Imm.ZERO);
            int[] free = new int[3];
            int n = 0;
            for (int r : new int[]{3, 7, 1, 9, 5, 2, 8, 4, 6}) if (r != p && n < 3) free[n++] = r;
            int i = free[0], a = free[1], v = free[2];
            alu(Width.W64, AluOp.MOV, i, Imm.ZERO);
            int head = code.newLabel();
            code.bind(head);
            alu(Width.W64, AluOp.MOV, a, Reg.of(p));
            alu(Width.W64, AluOp.ADD, a, Reg.of(i));
            emit(new Insn.Load(Size.DW, false, Reg.of(v), Reg.of(a), (short) 0));
            alu(Width.W64, AluOp.MUL, 0, new Imm(16777619));
            alu(Width.W64, AluOp.XOR, 0, Reg.of(v));
            alu(Width.W64, AluOp.ADD, i, new Imm(8));
            jump(Width.W64, Cond.JLT, i, new Imm(memSize), head);
            cur.cost += 7L * (memSize / 8);
        }

        void copyDword(int p, int q, int stackOff, int memOff) {
            emit(new Insn.Load(Size.DW, false, Reg.of(q), Reg.R10, (short) stackOff));
            emit(new Insn.Store(Size.DW, Reg.of(p), (short) memOff, Reg.of(q)));
        }

        void calleeEpilogue(RegState e) {
            if (!e.isInit(0)) {
                int r = pickInit(e, false);
                if (r == 10 || rng.nextInt(4) == 0) alu(Width.W64, AluOp.MOV, 0, new Imm(Immediates.imm(rng)));
                else alu(rng.nextBoolean() ? Width.W64 : Width.W32, AluOp.MOV, 0, Reg.of(r));
            } else if (rng.nextBoolean()) {
                alu(Width.W64, AluOp.XOR, 0, Reg.of(pickInit(e, false)));
            }
            emit(new Insn.Exit());
        }

        // ---- statements -----------------------------------------------------------------------

        RegState block(RegState s, int n) {
            for (int i = 0; i < n; i++) s = statement(s);
            return s;
        }

        RegState statement(RegState s) {
            int x = rng.nextInt(totalWeight);
            Feature f = features[0];
            for (Feature g : features) {
                x -= config.weight(g);
                if (x < 0) {
                    f = g;
                    break;
                }
            }
            if (writableCount() == 0) return s;
            return switch (f) {
                case ALU -> alu(s);
                case SHIFT -> shift(s);
                case DIVISION -> division(s);
                case MOVSX -> movsx(s);
                case ENDIAN -> endian(s);
                case LDDW -> {
                    movImm(s, pickWritable(), Immediates.imm64(rng));
                    yield s;
                }
                case LOAD -> load(s);
                case STORE -> store(s);
                case ATOMIC -> atomic(s);
                case BRANCH -> branch(s);
                case GOTO -> skip(s);
                case LOOP -> loop(s, false);
                case EARLY_EXIT -> earlyExit(s);
                case LOCAL_CALL -> localCall(s, false);
                case CALLX -> rng.nextBoolean() ? localCall(s, true) : helperCall(s, true);
                case HELPER_CALL -> helperCall(s, false);
                case PACKET_LOAD -> packetLoad(s);
                case POINTER -> pointer(s);
            };
        }

        RegState alu(RegState s) {
            Width w = rng.nextBoolean() ? Width.W64 : Width.W32;
            AluOp op = new AluOp[]{AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.OR, AluOp.AND, AluOp.XOR, AluOp.MOV, AluOp.NEG}[rng.nextInt(8)];
            int dst = op == AluOp.MOV ? -1 : pickInitWritable(s);
            if (dst < 0) {
                dst = pickWritable();
                Operand src = source(s, -1);
                alu(w, AluOp.MOV, dst, src);
                if (w == Width.W64 && src instanceof Reg r) s.copy(dst, r.number());
                else s.scalar(dst);
                return s;
            }
            alu(w, op, dst, op == AluOp.NEG ? Imm.ZERO : source(s, dst));
            s.scalar(dst);
            return s;
        }

        RegState shift(RegState s) {
            Width w = rng.nextBoolean() ? Width.W64 : Width.W32;
            int bits = w.bits();
            AluOp op = new AluOp[]{AluOp.LSH, AluOp.RSH, AluOp.ARSH}[rng.nextInt(3)];
            int dst = initWritable(s);
            if (dst < 0) return s;
            if (rng.nextInt(4) == 0) movImm(s, dst, Immediates.imm64(rng));
            long[] counts = {0, 1, bits - 1, bits, bits + 1, 2L * bits - 1, 31, 32, 63, 64, 255, -1, Integer.MIN_VALUE, 0x1_0000_0001L, 0x1_0000_0000L};
            Operand src;
            if (rng.nextBoolean()) {
                int c = rng.nextBoolean() ? rng.nextInt(bits) : (int) counts[rng.nextInt(counts.length - 2)];
                src = new Imm(c);
            } else if (rng.nextBoolean()) {
                int r = rng.nextInt(5) == 0 ? dst : pickWritable();
                if (r != dst) movImm(s, r, rng.nextBoolean() ? rng.nextInt(bits) : counts[rng.nextInt(counts.length)]);
                src = Reg.of(r);
            } else {
                src = Reg.of(rng.nextInt(5) == 0 ? dst : pickInit(s, true));
            }
            alu(w, op, dst, src);
            s.scalar(dst);
            return s;
        }

        RegState division(RegState s) {
            Width w = rng.nextBoolean() ? Width.W64 : Width.W32;
            AluOp op = new AluOp[]{AluOp.DIV, AluOp.SDIV, AluOp.MOD, AluOp.SMOD}[rng.nextInt(4)];
            int mode = rng.nextInt(10);
            int dst = mode < 5 ? pickWritable() : initWritable(s);
            if (dst < 0) return s;
            boolean reg = rng.nextBoolean();
            Operand src;
            if (mode < 3) {
                // INT_MIN / -1: the one quotient that overflows (x86 idiv traps).
                movImm(s, dst, w == Width.W64 ? Long.MIN_VALUE : (rng.nextBoolean() ? 0x8000_0000L : 0xabcd_0000_8000_0000L));
                src = reg ? divisor(s, dst, w == Width.W64 ? -1L : (rng.nextBoolean() ? 0xffff_ffffL : 0x1234_5678_ffff_ffffL)) : new Imm(-1);
            } else if (mode < 5) {
                if (!s.isInit(dst) || rng.nextBoolean()) movImm(s, dst, Immediates.imm64(rng));
                // Zero, or zero only in the low half (a 32-bit division by zero).
                src = reg ? divisor(s, dst, w == Width.W32 && rng.nextBoolean() ? 0x1_0000_0000L : 0) : Imm.ZERO;
            } else {
                src = source(s, dst);
            }
            alu(w, op, dst, src);
            s.scalar(dst);
            return s;
        }

        Operand divisor(RegState s, int dst, long value) {
            int r = pickWritable();
            if (r == dst) return Reg.of(dst);
            movImm(s, r, value);
            return Reg.of(r);
        }

        RegState movsx(RegState s) {
            AluOp op = new AluOp[]{AluOp.MOVSX8, AluOp.MOVSX16, AluOp.MOVSX32}[rng.nextInt(3)];
            Width w = op == AluOp.MOVSX32 || rng.nextBoolean() ? Width.W64 : Width.W32;
            int src;
            if (rng.nextBoolean()) {
                src = pickWritable();
                long[] edges = {0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 0x1234_5678_9abc_de80L, -1L};
                movImm(s, src, rng.nextBoolean() ? edges[rng.nextInt(edges.length)] : Immediates.imm64(rng));
            } else {
                src = pickInit(s, true);
            }
            int dst = rng.nextInt(5) == 0 && writable(src) ? src : pickWritable();
            alu(w, op, dst, Reg.of(src));
            s.scalar(dst);
            return s;
        }

        RegState endian(RegState s) {
            EndianOp op = EndianOp.values()[rng.nextInt(3)];
            int bits = new int[]{16, 32, 64}[rng.nextInt(3)];
            int dst = initWritable(s);
            if (dst < 0) return s;
            if (rng.nextInt(3) == 0) movImm(s, dst, Immediates.imm64(rng));
            emit(new Insn.Endian(op, bits, Reg.of(dst)));
            s.scalar(dst);
            return s;
        }

        RegState load(RegState s) {
            Size size = Size.values()[rng.nextInt(4)];
            boolean sx = size != Size.DW && rng.nextInt(3) == 0;
            Access a = access(s, size, false, false);
            int dst = rng.nextInt(6) == 0 && writable(a.base()) ? a.base() : pickWritable();
            if (dst < 0) return s;
            emit(new Insn.Load(size, sx, Reg.of(dst), Reg.of(a.base()), (short) a.offset()));
            s.scalar(dst);
            return s;
        }

        RegState store(RegState s) {
            Size size = Size.values()[rng.nextInt(4)];
            Access a = access(s, size, true, false);
            Operand v = rng.nextInt(5) < 2 ? new Imm(Immediates.imm(rng)) : Reg.of(pickInit(s, true));
            emit(new Insn.Store(size, Reg.of(a.base()), (short) a.offset(), v));
            return s;
        }

        RegState atomic(RegState s) {
            Size size = rng.nextBoolean() ? Size.W : Size.DW;
            AtomicOp op = AtomicOp.values()[rng.nextInt(AtomicOp.values().length)];
            boolean fetch = op.requiresFetch() || rng.nextBoolean();
            if (op == AtomicOp.CMPXCHG && !writable(0)) op = AtomicOp.ADD;
            Access a = access(s, size, true, true);
            avoid = a.base() < 10 ? 1 << a.base() : 0;
            int src;
            if (op == AtomicOp.CMPXCHG) {
                if (!s.isInit(0) || (a.base() != 0 && rng.nextBoolean())) {
                    // Half the time expect what is there, so the exchange succeeds.
                    if (a.base() != 0 && rng.nextBoolean()) emit(new Insn.Load(size, false, Reg.R0, Reg.of(a.base()), (short) a.offset()));
                    else alu(Width.W64, AluOp.MOV, 0, new Imm(Immediates.imm(rng)));
                }
                src = rng.nextInt(4) == 0 ? 0 : pickInit(s, true);
                s.scalar(0);
            } else if (fetch) {
                src = initWritable(s);
                if (src < 0) {
                    avoid = 0;
                    return s;
                }
            } else {
                src = pickInit(s, true);
            }
            avoid = 0;
            emit(new Insn.Atomic(size, op, fetch, Reg.of(a.base()), (short) a.offset(), Reg.of(src)));
            if (op == AtomicOp.CMPXCHG) s.scalar(0);
            else if (fetch) s.scalar(src);
            return s;
        }

        /// An in-bounds memory operand for an access of `size`, in the input memory or the stack
        /// arenas, biased to the first and last valid offsets; sets up a base register if needed.
        Access access(RegState s, Size size, boolean write, boolean atomic) {
            boolean aligned = atomic || rng.nextDouble() >= config.misalignedChance();
            int n = size.bytes;
            boolean stack = rng.nextBoolean();
            if (!stack) {
                List<Integer> bases = pointers(s, RegState.MEM);
                int base;
                if (!bases.isEmpty() && rng.nextInt(4) != 0) {
                    base = bases.get(rng.nextInt(bases.size()));
                } else {
                    base = pickWritable();
                    if (base >= 0) {
                        loadMemPointer(s, base);
                        if (rng.nextInt(3) == 0) {
                            int k = rng.nextInt(memSize + 1);
                            alu(Width.W64, AluOp.ADD, base, new Imm(k));
                            s.pointer(base, RegState.MEM, k);
                        }
                    }
                }
                if (base >= 0) {
                    int t = target(0, write ? dataSize : memSize, n, aligned);
                    return new Access(base, t - s.off(base));
                }
            }
            Fn f = cur;
            int lo, hi;
            int which = rng.nextInt(write ? 5 : 6);
            if (which < 2) {
                lo = -FRAME;
                hi = -FRAME + f.lowArena;
            } else if (which < 5) {
                lo = -f.highArena;
                hi = 0;
            } else {
                lo = MEM_SLOT;
                hi = MEM_SLOT + 8;
            }
            int t = target(lo, hi, n, aligned);
            List<Integer> bases = pointers(s, RegState.STACK);
            if (!bases.isEmpty() && rng.nextInt(3) == 0) {
                int b = bases.get(rng.nextInt(bases.size()));
                return new Access(b, t - s.off(b));
            }
            return new Access(10, t);
        }

        int target(int lo, int hi, int n, boolean aligned) {
            int t = switch (rng.nextInt(3)) {
                case 0 -> lo;
                case 1 -> hi - n;
                default -> rng.nextInt(lo, hi - n + 1);
            };
            return aligned ? Math.floorDiv(t, n) * n : t;
        }

        List<Integer> pointers(RegState s, int kind) {
            List<Integer> out = new ArrayList<>();
            for (int r = 0; r < 10; r++) if (s.isInit(r) && s.kind(r) == kind) out.add(r);
            return out;
        }

        RegState pointer(RegState s) {
            int r = pickWritable();
            List<Integer> existing = new ArrayList<>(pointers(s, RegState.MEM));
            existing.addAll(pointers(s, RegState.STACK));
            int pick = rng.nextInt(5);
            if (pick < 2) {
                int k = rng.nextBoolean() ? 8 * rng.nextInt(65) : rng.nextInt(FRAME + 1);
                alu(Width.W64, AluOp.MOV, r, Reg.R10);
                if (rng.nextBoolean()) alu(Width.W64, AluOp.ADD, r, new Imm(-k));
                else alu(Width.W64, AluOp.SUB, r, new Imm(k));
                s.pointer(r, RegState.STACK, -k);
            } else if (pick < 4 || existing.isEmpty()) {
                loadMemPointer(s, r);
                if (rng.nextBoolean()) {
                    int k = rng.nextInt(memSize + 1);
                    alu(Width.W64, AluOp.ADD, r, new Imm(k));
                    s.pointer(r, RegState.MEM, k);
                }
            } else {
                int from = existing.get(rng.nextInt(existing.size()));
                alu(Width.W64, AluOp.MOV, r, Reg.of(from));
                s.copy(r, from);
            }
            return s;
        }

        RegState branch(RegState s) {
            if (nest >= 4 || !roomFor(1_000)) return alu(s);
            nest++;
            int variant = rng.nextInt(20);
            int label = code.newLabel();
            conditionalJump(s, label);
            RegState out;
            if (variant < 11) {
                RegState taken = block(s.copy(), rng.nextInt(1, 5));
                code.bind(label);
                out = RegState.meet(s, taken);
            } else if (variant < 17) {
                RegState a = block(s.copy(), rng.nextInt(1, 4));
                int join = code.newLabel();
                jumpAlways(join, rng.nextInt(8) == 0);
                code.bind(label);
                RegState b = block(s.copy(), rng.nextInt(1, 4));
                code.bind(join);
                out = RegState.meet(a, b);
            } else {
                RegState f = filler(s.copy(), fillerLength(0));
                code.bind(label);
                out = RegState.meet(s, f);
            }
            nest--;
            return out;
        }

        /// A conditional jump to `label`, sometimes a JMP32 on a register whose upper half
        /// disagrees with its lower half.
        void conditionalJump(RegState s, int label) {
            Width w = rng.nextBoolean() ? Width.W64 : Width.W32;
            Cond c = Cond.values()[rng.nextInt(Cond.values().length)];
            int dst;
            if (rng.nextInt(4) == 0 && pickWritable() >= 0) {
                dst = pickWritable();
                long low = Immediates.INT_EDGES[rng.nextInt(Immediates.INT_EDGES.length)] & 0xffff_ffffL;
                movImm(s, dst, (long) Immediates.INT_EDGES[rng.nextInt(Immediates.INT_EDGES.length)] << 32 | low);
            } else {
                dst = pickInit(s, true);
            }
            Operand src = rng.nextInt(6) == 0 ? Reg.of(dst) : source(s, dst);
            jump(w, c, dst, src, label);
        }

        RegState skip(RegState s) {
            if (nest >= 4 || !roomFor(1_000)) return alu(s);
            nest++;
            int label = code.newLabel();
            jumpAlways(label, rng.nextInt(4) == 0);
            block(s.copy(), rng.nextInt(1, 4));
            code.bind(label);
            nest--;
            return s;
        }

        RegState earlyExit(RegState s) {
            if (rng.nextInt(8) == 0) {
                cur.exits.add(s.copy());
                jumpAlways(cur.exit, rng.nextBoolean());
                // What follows is dead until the next label; the state is unchanged for it.
                return s;
            }
            conditionalJump(s, cur.exit);
            cur.exits.add(s.copy());
            return s;
        }

        /// A loop of 1..maxLoopTrips iterations counted in a reserved register. The body is
        /// written for the state every iteration starts in: pointers it relies on are pinned, and
        /// with calls in the body r0–r5 are not relied on.
        RegState loop(RegState s, boolean longBody) {
            if (loopDepth >= config.maxLoopDepth() || nest >= 4 || writableCount() < 4 || !roomFor(longBody ? 4_000 : 1_000)) return alu(s);
            int trips = rng.nextInt(3) == 0 ? 1 + rng.nextInt(config.maxLoopTrips()) : 1 + rng.nextInt(Math.min(3, config.maxLoopTrips()));
            List<Integer> saved = new ArrayList<>();
            for (int r = 6; r <= 9; r++) if (writable(r)) saved.add(r);
            boolean calls = callsOk && !saved.isEmpty() && rng.nextBoolean();
            int counter = calls ? saved.get(rng.nextInt(saved.size())) : pickWritable();
            boolean up = rng.nextBoolean();
            movImm(s, counter, up ? 0 : trips);
            RegState body = s.copy();
            if (calls) {
                for (int r = 1; r <= 5; r++) body.kill(r);
                if (body.isInit(0)) body.scalar(0);
            }
            int savedProtect = protect;
            long savedMult = mult;
            boolean savedCalls = callsOk;
            protect |= 1 << counter;
            for (int r = 0; r < 10; r++) if (body.isInit(r) && body.kind(r) != RegState.SCALAR) protect |= 1 << r;
            mult *= trips;
            loopDepth++;
            nest++;
            callsOk = calls;
            int head = code.newLabel();
            code.bind(head);
            body = longBody ? filler(body, fillerLength(1)) : block(body, rng.nextInt(1, 6));
            Reg c = Reg.of(counter);
            switch (rng.nextInt(4)) {
                case 0 -> {
                    alu(Width.W64, AluOp.ADD, counter, new Imm(up ? 1 : -1));
                    jump(Width.W64, up ? Cond.JLT : Cond.JNE, counter, new Imm(up ? trips : 0), head);
                }
                case 1 -> {
                    alu(Width.W32, up ? AluOp.ADD : AluOp.SUB, counter, new Imm(1));
                    jump(Width.W32, up ? Cond.JNE : Cond.JGT, counter, new Imm(up ? trips : 0), head);
                }
                case 2 -> {
                    alu(Width.W64, AluOp.SUB, counter, new Imm(up ? -1 : 1));
                    jump(Width.W64, up ? Cond.JSLT : Cond.JSGT, counter, new Imm(up ? trips : 0), head);
                }
                default -> {
                    // Compare with a register holding the bound.
                    int bound = pickWritable();
                    alu(Width.W64, AluOp.ADD, counter, new Imm(up ? 1 : -1));
                    if (bound >= 0 && bound != counter && !up) {
                        movImm(body, bound, 0);
                        jump(Width.W64, Cond.JSGT, counter, Reg.of(bound), head);
                    } else {
                        jump(Width.W32, up ? Cond.JLT : Cond.JNE, counter, new Imm(up ? trips : 0), head);
                    }
                }
            }
            body.scalar(counter);
            protect = savedProtect;
            mult = savedMult;
            callsOk = savedCalls;
            loopDepth--;
            nest--;
            return body;
        }

        /// A statement spanning a short-branch range of some ISA: a jump over filler or a loop
        /// around it.
        RegState longStatement(RegState s) {
            int kind = rng.nextInt(3);
            if (kind == 0) return loop(s, true);
            int label = code.newLabel();
            if (kind == 1) conditionalJump(s, label);
            else {
                conditionalJump(s, cur.exit);
                cur.exits.add(s.copy());
                label = -1;
            }
            RegState f = filler(s.copy(), fillerLength(rng.nextInt(1, 3)));
            if (label >= 0) code.bind(label);
            return label >= 0 ? RegState.meet(s, f) : f;
        }

        int fillerLength(int range) {
            if (range > 0 && !longProgram) range = 0;
            return rng.nextInt(FILLER[range][0], FILLER[range][1] + 1);
        }

        /// Straight-line ALU and lddw instructions on one register, to make distance.
        RegState filler(RegState s, int length) {
            length = Math.max(0, Math.min(length, SIZE_LIMIT - emitted));
            int r = initWritable(s);
            if (r < 0) return s;
            for (int i = 0; i < length; i++) {
                if (rng.nextInt(4) == 0) {
                    emit(Insn.LoadImm64.constant(Reg.of(r), rng.nextLong()));
                } else {
                    AluOp op = new AluOp[]{AluOp.ADD, AluOp.XOR, AluOp.SUB, AluOp.OR, AluOp.MUL}[rng.nextInt(5)];
                    alu(rng.nextBoolean() ? Width.W64 : Width.W32, op, r, new Imm(rng.nextInt()));
                }
            }
            s.scalar(r);
            return s;
        }

        /// Sets r1 to the input memory's address and initialises r2–r5 (sometimes anew), except
        /// `keep`, which holds a call target.
        void arguments(RegState s, int keep) {
            List<Integer> mems = new ArrayList<>();
            for (int r : pointers(s, RegState.MEM)) if (s.off(r) == 0 && r != 1) mems.add(r);
            if (!mems.isEmpty() && rng.nextBoolean()) {
                alu(Width.W64, AluOp.MOV, 1, Reg.of(mems.get(rng.nextInt(mems.size()))));
                s.pointer(1, RegState.MEM, 0);
            } else if (!(s.kind(1) == RegState.MEM && s.off(1) == 0 && s.isInit(1))) {
                loadMemPointer(s, 1);
            }
            for (int r = 2; r <= 5; r++) {
                if (r != keep && (!s.isInit(r) || rng.nextInt(3) == 0)) movImm(s, r, Immediates.imm64(rng));
            }
        }

        void afterCall(RegState s) {
            for (int r = 1; r <= 5; r++) s.kill(r);
            s.scalar(0);
        }

        RegState localCall(RegState s, boolean indirect) {
            if (!callsOk) return alu(s);
            List<Fn> callees = new ArrayList<>();
            for (int j = cur.index + 1; j < fns.length; j++) {
                if (cur.cost + mult * (fns[j].cost + 16) <= cap(cur)) callees.add(fns[j]);
            }
            if (callees.isEmpty()) return alu(s);
            Fn callee = callees.get(rng.nextInt(callees.size()));
            if (indirect) {
                int t = new int[]{0, 6, 7, 8, 9, 2, 3, 4, 5}[rng.nextInt(9)];
                if (!writable(t)) return alu(s);
                toLabel(callee.entry, off -> new Insn.LoadImm64(Reg.of(t), LddwSource.FUNC, off, 0));
                s.scalar(t);
                arguments(s, t);
                emit(new Insn.CallIndirect(Reg.of(t)));
            } else {
                arguments(s, -1);
                toLabel(callee.entry, off -> new Insn.Call(CallKind.LOCAL, off));
            }
            cur.cost += mult * callee.cost;
            afterCall(s);
            return s;
        }

        RegState helperCall(RegState s, boolean indirect) {
            if (!callsOk) return alu(s);
            int id = indirect ? new int[]{0, 2, 3}[rng.nextInt(3)] : new int[]{0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5}[rng.nextInt(12)];
            for (int r = 1; r <= 5; r++) {
                if (!s.isInit(r) || rng.nextInt(3) == 0) movImm(s, r, Immediates.imm64(rng));
            }
            switch (id) {
                case 1 -> {
                    // memfrob(p, n) over part of the data or of a stack arena.
                    if (rng.nextBoolean()) {
                        int x = rng.nextInt(dataSize + 1);
                        loadMemPointer(s, 1);
                        alu(Width.W64, AluOp.ADD, 1, new Imm(x));
                        movImm(s, 2, rng.nextInt(dataSize - x + 1));
                    } else {
                        int lo = rng.nextBoolean() ? -FRAME : -cur.highArena;
                        int size = lo == -FRAME ? cur.lowArena : cur.highArena;
                        int x = rng.nextInt(size + 1);
                        alu(Width.W64, AluOp.MOV, 1, Reg.R10);
                        alu(Width.W64, AluOp.ADD, 1, new Imm(lo + x));
                        movImm(s, 2, rng.nextInt(size - x + 1));
                    }
                }
                case 3 -> {
                    if (rng.nextBoolean()) movImm(s, 1, Immediates.imm64(rng));
                }
                case 4 -> {
                    // strcmp of two strings in the data, terminated by a NUL at its last byte.
                    int x = rng.nextInt(dataSize);
                    int y = rng.nextInt(4) == 0 ? x : rng.nextInt(dataSize);
                    loadMemPointer(s, 1);
                    alu(Width.W64, AluOp.ADD, 1, new Imm(x));
                    emit(new Insn.Store(Size.B, Reg.R1, (short) (dataSize - 1 - x), Imm.ZERO));
                    loadMemPointer(s, 2);
                    alu(Width.W64, AluOp.ADD, 2, new Imm(y));
                }
                case 5 -> movImm(s, 1, rng.nextInt(24) == 0 ? 0 : Immediates.nonZero(rng));
                default -> {
                }
            }
            if (indirect) {
                int t = new int[]{0, 6, 7, 8, 9}[rng.nextInt(5)];
                if (!writable(t)) t = 0;
                alu(Width.W64, AluOp.MOV, t, new Imm(id));
                s.scalar(t);
                emit(new Insn.CallIndirect(Reg.of(t)));
            } else {
                emit(new Insn.Call(CallKind.HELPER, id));
            }
            afterCall(s);
            return s;
        }

        RegState packetLoad(RegState s) {
            if (!callsOk) return alu(s);
            if (!s.isInit(6)) {
                if (!writable(6)) return alu(s);
                movImm(s, 6, Immediates.imm(rng));
            }
            Size size = new Size[]{Size.B, Size.H, Size.W}[rng.nextInt(3)];
            int t = target(0, memSize, size.bytes, false);
            if (rng.nextBoolean()) {
                emit(new Insn.LoadPacket(size, PacketMode.ABS, null, t));
            } else {
                int i = pickWritable();
                int k = rng.nextInt(memSize + 1);
                alu(Width.W32, AluOp.MOV, i, new Imm(k));
                s.scalar(i);
                emit(new Insn.LoadPacket(size, PacketMode.IND, Reg.of(i), t - k));
            }
            afterCall(s);
            return s;
        }
    }
}
