package dev.ebpfc.runtime.interp;

import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.object.ProgramDef;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.HelperOutcome;
import dev.ebpfc.runtime.RunEnvironment;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.Tracer;
import dev.ebpfc.runtime.context.ProgramContext;
import dev.ebpfc.runtime.helpers.HelperException;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.memory.AddressSpace;
import dev.ebpfc.runtime.memory.MemoryAccessException;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/// The reference interpreter: the semantics every other engine is judged against (RFC 9669; Linux
/// where the RFC is silent). Programs are pre-decoded into flat arrays ([DecodedProgram]) and run
/// by one `switch` over the internal opcode, registers in a `long[]`, memory found by window
/// ([MemoryLayout]) with bounds and permission checks on every access.
///
/// An interpreter is immutable and may run many times; each [#run] gets its own maps (mutated)
/// and input. Programs are numbered by their position in the list: that is the number a
/// `PROG_ARRAY` holds for tail calls.
public final class Interpreter {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MASK = MemoryLayout.WINDOW_MASK;
    private static final int SHIFT = MemoryLayout.WINDOW_SHIFT;

    private final DecodedProgram[] programs;
    private final String[] rejections;
    private final RuntimeOptions options;

    public Interpreter(List<ProgramDef> programs, RuntimeOptions options) {
        if (programs.isEmpty()) throw new IllegalArgumentException("no program to run");
        this.options = options;
        this.programs = new DecodedProgram[programs.size()];
        this.rejections = new String[programs.size()];
        for (int i = 0; i < programs.size(); i++) {
            this.programs[i] = new DecodedProgram(programs.get(i));
            if (options.staticCheck()) rejections[i] = StaticCheck.check(programs.get(i).program());
        }
    }

    public Interpreter(ProgramDef program, RuntimeOptions options) {
        this(List.of(program), options);
    }

    public Interpreter(Program program, RuntimeOptions options) {
        this(ProgramDef.of("prog", program), options);
    }

    public RuntimeOptions options() {
        return options;
    }

    /// Runs program 0.
    public ExecutionResult run(MapSet maps, RunInput input) {
        return run(0, maps, input);
    }

    /// Runs program 0 with no maps.
    public ExecutionResult run(RunInput input) {
        return run(0, MapSet.empty(), input);
    }

    /// Runs program `entry` against `maps` (mutated by the run) and `input`.
    public ExecutionResult run(int entry, MapSet maps, RunInput input) {
        return new Run(entry, maps, input).execute(entry);
    }

    /// The state of one run: the shared [RunEnvironment] plus the registers.
    private final class Run {
        final RunEnvironment env;
        final ProgramContext context;
        final AddressSpace space;
        final Region[] win;
        final List<HelperCall> trace;
        final long[] r = new long[11];
        long remaining = options.budget();
        /// The program and call depth of the instruction calling a helper, for callbacks.
        DecodedProgram current;
        int currentDepth;

        Run(int entry, MapSet maps, RunInput input) {
            this.env = new RunEnvironment(RunEnvironment.contextKind(options, programs[entry].def), maps, input, options);
            this.context = env.context();
            this.space = env.space();
            this.win = space.windows;
            this.trace = env.trace();
            env.helperEnvironment().setCallbacks(this::callback);
        }

        ExecutionResult execute(int entry) {
            DecodedProgram p = programs[entry];
            ExecutionResult refused = env.refusal(rejections[entry], p.unsupported, p.maxMapIndex);
            if (refused != null) return refused;
            r[1] = env.r1();
            r[2] = env.r2();
            r[10] = MemoryLayout.frameTop(0);
            int[] pcOut = new int[1];
            try {
                long r0 = loop(p, pcOut, 0, 0);
                return env.result(r0, ErrorKind.NONE, "", -1, options.budget() - remaining);
            } catch (Trap t) {
                return env.result(t.kind == ErrorKind.UNWIND || t.kind == ErrorKind.NONE ? r[0] : 0, t.kind,
                        "slot " + pcOut[0] + ": " + t.getMessage(), pcOut[0], options.budget() - remaining);
            }
        }

        /// "REJECTED msg" or "UNSUPPORTED msg" when the program cannot run against these maps.
        String check(DecodedProgram p) {
            if (p.unsupported != null) return "UNSUPPORTED " + p.unsupported;
            if (p.maxMapIndex >= env.maps().size()) {
                return "REJECTED lddw refers to map " + p.maxMapIndex + ", but the run has " + env.maps().size() + " maps";
            }
            return null;
        }

        /// The interpreter loop from slot `start` at call depth `base` (0, or a callback's depth).
        /// Returns r0 when the function it started in exits; throws [Trap] otherwise, with the
        /// slot of the failing instruction left in `pcOut[0]`.
        long loop(DecodedProgram prog, int[] pcOut, int start, int base) {
            final long[] r = this.r;
            int[] code = prog.code;
            int[] off = prog.off;
            long[] k = prog.k;
            int pc = start;
            int depth = base;
            int[] retPc = new int[MemoryLayout.MAX_FRAMES];
            long[] saved = new long[MemoryLayout.MAX_FRAMES * 4];
            long budget = remaining;
            final Tracer tracer = options.tracer();
            try {
                while (true) {
                    if (--budget < 0) {
                        budget = 0;
                        throw new Trap(ErrorKind.BUDGET_EXHAUSTED, "instruction budget of " + options.budget() + " exhausted");
                    }
                    if (tracer != null) tracer.step(depth, pc, r);
                    final int c = code[pc];
                    final int dst = (c >>> 12) & 0xf;
                    final int src = (c >>> 16) & 0xf;
                    switch (c & 0x3ff) {
                        // ALU64, immediate and register forms.
                        case 0x07 -> r[dst] += k[pc];
                        case 0x0f -> r[dst] += r[src];
                        case 0x17 -> r[dst] -= k[pc];
                        case 0x1f -> r[dst] -= r[src];
                        case 0x27 -> r[dst] *= k[pc];
                        case 0x2f -> r[dst] *= r[src];
                        case 0x37 -> r[dst] = div64(r[dst], k[pc]);
                        case 0x3f -> r[dst] = div64(r[dst], r[src]);
                        case 0x47 -> r[dst] |= k[pc];
                        case 0x4f -> r[dst] |= r[src];
                        case 0x57 -> r[dst] &= k[pc];
                        case 0x5f -> r[dst] &= r[src];
                        case 0x67 -> r[dst] <<= k[pc];
                        case 0x6f -> r[dst] <<= r[src];
                        case 0x77 -> r[dst] >>>= k[pc];
                        case 0x7f -> r[dst] >>>= r[src];
                        case 0x87 -> r[dst] = -r[dst];
                        case 0x97 -> r[dst] = mod64(r[dst], k[pc]);
                        case 0x9f -> r[dst] = mod64(r[dst], r[src]);
                        case 0xa7 -> r[dst] ^= k[pc];
                        case 0xaf -> r[dst] ^= r[src];
                        case 0xb7 -> r[dst] = k[pc];
                        case 0xbf -> r[dst] = r[src];
                        case 0xc7 -> r[dst] >>= k[pc];
                        case 0xcf -> r[dst] >>= r[src];
                        case Op.SDIV64_K -> r[dst] = sdiv64(r[dst], k[pc]);
                        case Op.SDIV64_X -> r[dst] = sdiv64(r[dst], r[src]);
                        case Op.SMOD64_K -> r[dst] = smod64(r[dst], k[pc]);
                        case Op.SMOD64_X -> r[dst] = smod64(r[dst], r[src]);
                        case Op.MOVSX8_64 -> r[dst] = (byte) r[src];
                        case Op.MOVSX16_64 -> r[dst] = (short) r[src];
                        case Op.MOVSX32_64 -> r[dst] = (int) r[src];
                        // ALU (32-bit): compute on int, zero-extend the result.
                        case 0x04 -> r[dst] = u32((int) r[dst] + (int) k[pc]);
                        case 0x0c -> r[dst] = u32((int) r[dst] + (int) r[src]);
                        case 0x14 -> r[dst] = u32((int) r[dst] - (int) k[pc]);
                        case 0x1c -> r[dst] = u32((int) r[dst] - (int) r[src]);
                        case 0x24 -> r[dst] = u32((int) r[dst] * (int) k[pc]);
                        case 0x2c -> r[dst] = u32((int) r[dst] * (int) r[src]);
                        case 0x34 -> r[dst] = div32((int) r[dst], (int) k[pc]);
                        case 0x3c -> r[dst] = div32((int) r[dst], (int) r[src]);
                        case 0x44 -> r[dst] = u32((int) r[dst] | (int) k[pc]);
                        case 0x4c -> r[dst] = u32((int) r[dst] | (int) r[src]);
                        case 0x54 -> r[dst] = u32((int) r[dst] & (int) k[pc]);
                        case 0x5c -> r[dst] = u32((int) r[dst] & (int) r[src]);
                        case 0x64 -> r[dst] = u32((int) r[dst] << (int) k[pc]);
                        case 0x6c -> r[dst] = u32((int) r[dst] << (int) r[src]);
                        case 0x74 -> r[dst] = u32((int) r[dst] >>> (int) k[pc]);
                        case 0x7c -> r[dst] = u32((int) r[dst] >>> (int) r[src]);
                        case 0x84 -> r[dst] = u32(-(int) r[dst]);
                        case 0x94 -> r[dst] = mod32((int) r[dst], (int) k[pc]);
                        case 0x9c -> r[dst] = mod32((int) r[dst], (int) r[src]);
                        case 0xa4 -> r[dst] = u32((int) r[dst] ^ (int) k[pc]);
                        case 0xac -> r[dst] = u32((int) r[dst] ^ (int) r[src]);
                        case 0xb4 -> r[dst] = u32((int) k[pc]);
                        case 0xbc -> r[dst] = u32((int) r[src]);
                        case 0xc4 -> r[dst] = u32((int) r[dst] >> (int) k[pc]);
                        case 0xcc -> r[dst] = u32((int) r[dst] >> (int) r[src]);
                        case Op.SDIV32_K -> r[dst] = sdiv32((int) r[dst], (int) k[pc]);
                        case Op.SDIV32_X -> r[dst] = sdiv32((int) r[dst], (int) r[src]);
                        case Op.SMOD32_K -> r[dst] = smod32((int) r[dst], (int) k[pc]);
                        case Op.SMOD32_X -> r[dst] = smod32((int) r[dst], (int) r[src]);
                        case Op.MOVSX8_32 -> r[dst] = u32((byte) r[src]);
                        case Op.MOVSX16_32 -> r[dst] = u32((short) r[src]);
                        // Byte order: the host is little-endian, so le only truncates.
                        case Op.LE16 -> r[dst] &= 0xffffL;
                        case Op.LE32 -> r[dst] &= 0xffffffffL;
                        case Op.LE64 -> {
                        }
                        case Op.BE16, Op.BSWAP16 -> r[dst] = Short.reverseBytes((short) r[dst]) & 0xffffL;
                        case Op.BE32, Op.BSWAP32 -> r[dst] = u32(Integer.reverseBytes((int) r[dst]));
                        case Op.BE64, Op.BSWAP64 -> r[dst] = Long.reverseBytes(r[dst]);
                        // Loads (zero- and sign-extending) and stores.
                        case 0x61 -> r[dst] = ld32(r[src] + off[pc]) & 0xffffffffL;
                        case 0x69 -> r[dst] = ld16(r[src] + off[pc]) & 0xffffL;
                        case 0x71 -> r[dst] = ld8(r[src] + off[pc]) & 0xffL;
                        case 0x79 -> r[dst] = ld64(r[src] + off[pc]);
                        case 0x81 -> r[dst] = (int) ld32(r[src] + off[pc]);
                        case 0x89 -> r[dst] = (short) ld16(r[src] + off[pc]);
                        case 0x91 -> r[dst] = (byte) ld8(r[src] + off[pc]);
                        case 0x62 -> st(r[dst] + off[pc], 4, k[pc]);
                        case 0x6a -> st(r[dst] + off[pc], 2, k[pc]);
                        case 0x72 -> st(r[dst] + off[pc], 1, k[pc]);
                        case 0x7a -> st(r[dst] + off[pc], 8, k[pc]);
                        case 0x63 -> st(r[dst] + off[pc], 4, r[src]);
                        case 0x6b -> st(r[dst] + off[pc], 2, r[src]);
                        case 0x73 -> st(r[dst] + off[pc], 1, r[src]);
                        case 0x7b -> st(r[dst] + off[pc], 8, r[src]);
                        case Op.LDDW -> {
                            r[dst] = k[pc];
                            pc++;
                        }
                        // Legacy packet loads: network order; outside the packet the program ends with r0 = 0.
                        case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 -> {
                            int size = (c & 0x18) == 0x00 ? 4 : (c & 0x18) == 0x08 ? 2 : 1;
                            long o = (int) k[pc] + ((c & 0xe0) == 0x40 ? (int) r[src] : 0);
                            HelperOutcome out = env.loadPacket(o, size);
                            r[0] = out.r0();
                            if (out.stop() != null) throw new Trap(out.stop(), out.message());
                        }
                        // Jumps.
                        case 0x05 -> pc = off[pc] - 1;
                        case 0x15 -> { if (r[dst] == k[pc]) pc = off[pc] - 1; }
                        case 0x1d -> { if (r[dst] == r[src]) pc = off[pc] - 1; }
                        case 0x25 -> { if (Long.compareUnsigned(r[dst], k[pc]) > 0) pc = off[pc] - 1; }
                        case 0x2d -> { if (Long.compareUnsigned(r[dst], r[src]) > 0) pc = off[pc] - 1; }
                        case 0x35 -> { if (Long.compareUnsigned(r[dst], k[pc]) >= 0) pc = off[pc] - 1; }
                        case 0x3d -> { if (Long.compareUnsigned(r[dst], r[src]) >= 0) pc = off[pc] - 1; }
                        case 0x45 -> { if ((r[dst] & k[pc]) != 0) pc = off[pc] - 1; }
                        case 0x4d -> { if ((r[dst] & r[src]) != 0) pc = off[pc] - 1; }
                        case 0x55 -> { if (r[dst] != k[pc]) pc = off[pc] - 1; }
                        case 0x5d -> { if (r[dst] != r[src]) pc = off[pc] - 1; }
                        case 0x65 -> { if (r[dst] > k[pc]) pc = off[pc] - 1; }
                        case 0x6d -> { if (r[dst] > r[src]) pc = off[pc] - 1; }
                        case 0x75 -> { if (r[dst] >= k[pc]) pc = off[pc] - 1; }
                        case 0x7d -> { if (r[dst] >= r[src]) pc = off[pc] - 1; }
                        case 0xa5 -> { if (Long.compareUnsigned(r[dst], k[pc]) < 0) pc = off[pc] - 1; }
                        case 0xad -> { if (Long.compareUnsigned(r[dst], r[src]) < 0) pc = off[pc] - 1; }
                        case 0xb5 -> { if (Long.compareUnsigned(r[dst], k[pc]) <= 0) pc = off[pc] - 1; }
                        case 0xbd -> { if (Long.compareUnsigned(r[dst], r[src]) <= 0) pc = off[pc] - 1; }
                        case 0xc5 -> { if (r[dst] < k[pc]) pc = off[pc] - 1; }
                        case 0xcd -> { if (r[dst] < r[src]) pc = off[pc] - 1; }
                        case 0xd5 -> { if (r[dst] <= k[pc]) pc = off[pc] - 1; }
                        case 0xdd -> { if (r[dst] <= r[src]) pc = off[pc] - 1; }
                        case 0x16 -> { if ((int) r[dst] == (int) k[pc]) pc = off[pc] - 1; }
                        case 0x1e -> { if ((int) r[dst] == (int) r[src]) pc = off[pc] - 1; }
                        case 0x26 -> { if (Integer.compareUnsigned((int) r[dst], (int) k[pc]) > 0) pc = off[pc] - 1; }
                        case 0x2e -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) > 0) pc = off[pc] - 1; }
                        case 0x36 -> { if (Integer.compareUnsigned((int) r[dst], (int) k[pc]) >= 0) pc = off[pc] - 1; }
                        case 0x3e -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) >= 0) pc = off[pc] - 1; }
                        case 0x46 -> { if (((int) r[dst] & (int) k[pc]) != 0) pc = off[pc] - 1; }
                        case 0x4e -> { if (((int) r[dst] & (int) r[src]) != 0) pc = off[pc] - 1; }
                        case 0x56 -> { if ((int) r[dst] != (int) k[pc]) pc = off[pc] - 1; }
                        case 0x5e -> { if ((int) r[dst] != (int) r[src]) pc = off[pc] - 1; }
                        case 0x66 -> { if ((int) r[dst] > (int) k[pc]) pc = off[pc] - 1; }
                        case 0x6e -> { if ((int) r[dst] > (int) r[src]) pc = off[pc] - 1; }
                        case 0x76 -> { if ((int) r[dst] >= (int) k[pc]) pc = off[pc] - 1; }
                        case 0x7e -> { if ((int) r[dst] >= (int) r[src]) pc = off[pc] - 1; }
                        case 0xa6 -> { if (Integer.compareUnsigned((int) r[dst], (int) k[pc]) < 0) pc = off[pc] - 1; }
                        case 0xae -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) < 0) pc = off[pc] - 1; }
                        case 0xb6 -> { if (Integer.compareUnsigned((int) r[dst], (int) k[pc]) <= 0) pc = off[pc] - 1; }
                        case 0xbe -> { if (Integer.compareUnsigned((int) r[dst], (int) r[src]) <= 0) pc = off[pc] - 1; }
                        case 0xc6 -> { if ((int) r[dst] < (int) k[pc]) pc = off[pc] - 1; }
                        case 0xce -> { if ((int) r[dst] < (int) r[src]) pc = off[pc] - 1; }
                        case 0xd6 -> { if ((int) r[dst] <= (int) k[pc]) pc = off[pc] - 1; }
                        case 0xde -> { if ((int) r[dst] <= (int) r[src]) pc = off[pc] - 1; }
                        // Calls and exit.
                        case 0x85 -> {
                            pcOut[0] = pc;
                            // A helper may run callbacks, which count against the same budget.
                            current = prog;
                            currentDepth = depth;
                            remaining = budget;
                            int tail;
                            try {
                                tail = helper(k[pc]);
                            } finally {
                                budget = remaining;
                            }
                            if (tail >= 0) {
                                prog = programs[tail];
                                if (rejections[tail] != null) throw new Trap(ErrorKind.REJECTED, "tail call into program " + tail + ": " + rejections[tail]);
                                String bad = check(prog);
                                if (bad != null) throw new Trap(ErrorKind.UNSUPPORTED, "tail call into program " + tail + ": " + bad);
                                code = prog.code;
                                off = prog.off;
                                k = prog.k;
                                Arrays.fill(env.frame(depth).data, (byte) 0);
                                r[10] = MemoryLayout.frameTop(depth);
                                pc = -1;
                            }
                        }
                        case 0x8d -> {
                            long target = r[dst];
                            int slot = MemoryLayout.slotOfCodeAddress(target);
                            if (slot >= 0 && slot < code.length && prog.isInstructionStart(slot)) {
                                pcOut[0] = pc;
                                depth = call(depth, retPc, saved, pc);
                                pc = slot - 1;
                            } else if (options.profile().get(target) != null) {
                                pcOut[0] = pc;
                                current = prog;
                                currentDepth = depth;
                                remaining = budget;
                                try {
                                    helper(target);
                                } finally {
                                    budget = remaining;
                                }
                            } else {
                                throw new Trap(ErrorKind.BAD_CALL, "callx target 0x" + Long.toHexString(target) + " is neither a function nor a helper");
                            }
                        }
                        case Op.CALL_LOCAL -> {
                            pcOut[0] = pc;
                            depth = call(depth, retPc, saved, pc);
                            pc = off[pc] - 1;
                        }
                        case 0x95 -> {
                            if (depth == base) {
                                remaining = budget;
                                return r[0];
                            }
                            env.leaveFrame(depth);
                            depth--;
                            System.arraycopy(saved, depth * 4, r, 6, 4);
                            r[10] = MemoryLayout.frameTop(depth);
                            pc = retPc[depth];
                        }
                        case Op.CALL_KFUNC -> throw new Trap(ErrorKind.BAD_CALL, "kfunc " + k[pc] + " is not available");
                        default -> {
                            int op = c & 0x3ff;
                            if (op >= Op.ATOMIC && op < Op.ATOMIC + 32) atomic(op - Op.ATOMIC, dst, src, r[dst] + off[pc]);
                            else throw new Trap(ErrorKind.UNSUPPORTED, "internal opcode 0x" + Integer.toHexString(op) + " cannot execute");
                        }
                    }
                    pc++;
                }
            } catch (Trap t) {
                pcOut[0] = t.slot >= 0 ? t.slot : pc;
                remaining = budget;
                throw t;
            } catch (MemoryAccessException e) {
                pcOut[0] = pc;
                remaining = budget;
                throw new Trap(ErrorKind.OUT_OF_BOUNDS, e.getMessage());
            } catch (HelperException e) {
                pcOut[0] = pc;
                remaining = budget;
                throw new Trap(e.kind, e.getMessage());
            } catch (ArithmeticException | IllegalArgumentException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                // A helper handed impossible arguments (sizes beyond any region): never escape as an exception.
                pcOut[0] = pc;
                remaining = budget;
                throw new Trap(ErrorKind.OUT_OF_BOUNDS, "helper arguments out of range: " + e.getMessage());
            }
        }

        /// Enters a local call from `pc`: saves r6–r9 and the return slot, maps a fresh frame.
        int call(int depth, int[] retPc, long[] saved, int pc) {
            if (depth + 1 >= MemoryLayout.MAX_FRAMES) {
                throw new Trap(ErrorKind.CALL_DEPTH, "call depth exceeds " + MemoryLayout.MAX_FRAMES + " frames");
            }
            System.arraycopy(r, 6, saved, depth * 4, 4);
            retPc[depth] = pc;
            depth++;
            env.enterFrame(depth);
            r[10] = MemoryLayout.frameTop(depth);
            return depth;
        }

        /// Runs the function at code address `address` of the program calling the helper, as a
        /// local call from there ([dev.ebpfc.runtime.helpers.HelperEnvironment.Callbacks]): a
        /// fresh frame one deeper, r1–r5 = `args`, every register of the caller as it was after.
        long callback(long address, long... args) {
            DecodedProgram p = current;
            int depth = currentDepth;
            int slot = MemoryLayout.slotOfCodeAddress(address);
            if (slot < 0 || slot >= p.code.length || !p.isInstructionStart(slot)) {
                throw new HelperException(ErrorKind.BAD_CALL, "callback 0x" + Long.toHexString(address) + " is not a function of the program");
            }
            if (depth + 1 >= MemoryLayout.MAX_FRAMES) {
                throw new HelperException(ErrorKind.CALL_DEPTH, "call depth exceeds " + MemoryLayout.MAX_FRAMES + " frames (callback)");
            }
            long[] caller = r.clone();
            for (int i = 1; i <= 5; i++) r[i] = i - 1 < args.length ? args[i - 1] : 0;
            env.enterFrame(depth + 1);
            r[10] = MemoryLayout.frameTop(depth + 1);
            int[] pcOut = new int[1];
            try {
                return loop(p, pcOut, slot, depth + 1);
            } catch (Trap t) {
                if (t.slot < 0) t.slot = pcOut[0];
                throw t;
            } finally {
                env.leaveFrame(depth + 1);
                System.arraycopy(caller, 0, r, 0, r.length);
                current = p;
                currentDepth = depth;
            }
        }

        /// Calls helper `id`; returns the program number of a requested tail call, else -1.
        int helper(long id) {
            long a1 = r[1];
            HelperOutcome out = env.callHelper(id, a1, r[2], r[3], r[4], r[5]);
            if (out.returned()) {
                r[0] = out.r0();
                long[] clobber = out.clobber();
                if (clobber != null) System.arraycopy(clobber, 0, r, 1, 5);
            }
            if (out.stop() != null) throw new Trap(out.stop(), out.message());
            int tail = out.tailCall();
            if (tail >= 0) {
                if (tail >= programs.length) {
                    throw new Trap(ErrorKind.BAD_CALL, "tail call to program " + tail + ", but only " + programs.length + " programs are loaded");
                }
                r[1] = a1;
            }
            return tail;
        }

        void atomic(int a, int dst, int src, long addr) {
            boolean w64 = a >= 16;
            int op = (a & 15) >> 1;
            boolean fetch = (a & 1) != 0;
            int size = w64 ? 8 : 4;
            long old = w64 ? ld64(addr) : ld32(addr) & 0xffffffffL;
            long v = r[src];
            long nv = switch (op) {
                case Op.A_ADD -> old + v;
                case Op.A_OR -> old | v;
                case Op.A_AND -> old & v;
                case Op.A_XOR -> old ^ v;
                case Op.A_XCHG -> v;
                default -> (w64 ? old == r[0] : (int) old == (int) r[0]) ? v : old;
            };
            st(addr, size, nv);
            if (op == Op.A_CMPXCHG) r[0] = old;
            else if (fetch) r[src] = old;
        }

        // Memory access: the window gives the region, then one bounds check; context rules and
        // errors go through the address space's checked path.
        long ld8(long addr) {
            Region g;
            int o = (int) (addr & MASK);
            if ((addr >>> 38) == 0 && (g = win[(int) (addr >>> SHIFT)]) != null && o >= g.lo && o < g.hi && g.rules == null) {
                return g.data[o];
            }
            return space.read(addr, 1);
        }

        long ld16(long addr) {
            Region g;
            int o = (int) (addr & MASK);
            if ((addr >>> 38) == 0 && (g = win[(int) (addr >>> SHIFT)]) != null && o >= g.lo && o <= g.hi - 2 && g.rules == null) {
                return (short) I16.get(g.data, o);
            }
            return space.read(addr, 2);
        }

        long ld32(long addr) {
            Region g;
            int o = (int) (addr & MASK);
            if ((addr >>> 38) == 0 && (g = win[(int) (addr >>> SHIFT)]) != null && o >= g.lo && o <= g.hi - 4 && g.rules == null) {
                return (int) I32.get(g.data, o);
            }
            return space.read(addr, 4);
        }

        long ld64(long addr) {
            Region g;
            int o = (int) (addr & MASK);
            if ((addr >>> 38) == 0 && (g = win[(int) (addr >>> SHIFT)]) != null && o >= g.lo && o <= g.hi - 8 && g.rules == null) {
                return (long) I64.get(g.data, o);
            }
            return space.read(addr, 8);
        }

        void st(long addr, int size, long v) {
            Region g;
            int o = (int) (addr & MASK);
            if ((addr >>> 38) == 0 && (g = win[(int) (addr >>> SHIFT)]) != null && o >= g.lo && o <= g.hi - size && g.writable) {
                switch (size) {
                    case 1 -> g.data[o] = (byte) v;
                    case 2 -> I16.set(g.data, o, (short) v);
                    case 4 -> I32.set(g.data, o, (int) v);
                    default -> I64.set(g.data, o, v);
                }
                return;
            }
            space.write(addr, size, v);
        }
    }

    static long u32(int v) {
        return v & 0xffffffffL;
    }

    static long div64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    static long mod64(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    static long div32(int a, int b) {
        return b == 0 ? 0 : u32(Integer.divideUnsigned(a, b));
    }

    static long mod32(int a, int b) {
        return b == 0 ? u32(a) : u32(Integer.remainderUnsigned(a, b));
    }

    /// Java's `/` already gives MIN / -1 = MIN and `%` gives 0 there, as RFC 9669 requires.
    static long sdiv64(long a, long b) {
        return b == 0 ? 0 : a / b;
    }

    static long smod64(long a, long b) {
        return b == 0 ? a : a % b;
    }

    static long sdiv32(int a, int b) {
        return b == 0 ? 0 : u32(a / b);
    }

    static long smod32(int a, int b) {
        return b == 0 ? u32(a) : u32(a % b);
    }
}
