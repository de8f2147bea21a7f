package dev.ebpfc.ir.interp;

import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.Block;
import dev.ebpfc.ir.BlockCall;
import dev.ebpfc.ir.Function;
import dev.ebpfc.ir.Inst;
import dev.ebpfc.ir.Instruction.*;
import dev.ebpfc.ir.Type;
import dev.ebpfc.ir.Value;
import dev.ebpfc.runtime.ErrorKind;
import dev.ebpfc.runtime.ExecutionResult;
import dev.ebpfc.runtime.HelperCall;
import dev.ebpfc.runtime.RegionSnapshot;
import dev.ebpfc.runtime.RuntimeOptions;
import dev.ebpfc.runtime.context.ContextKind;
import dev.ebpfc.runtime.context.ProgramContext;
import dev.ebpfc.runtime.context.RunInput;
import dev.ebpfc.runtime.helpers.Helper;
import dev.ebpfc.runtime.helpers.HelperEnvironment;
import dev.ebpfc.runtime.helpers.HelperException;
import dev.ebpfc.runtime.maps.BpfMap;
import dev.ebpfc.runtime.maps.ByteKey;
import dev.ebpfc.runtime.maps.MapSet;
import dev.ebpfc.runtime.maps.ProgArrayMap;
import dev.ebpfc.runtime.maps.RingBufMap;
import dev.ebpfc.runtime.memory.AddressSpace;
import dev.ebpfc.runtime.memory.MemoryAccessException;
import dev.ebpfc.runtime.memory.MemoryLayout;
import dev.ebpfc.runtime.memory.Region;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/// Runs IR modules with the runtime's memory layout, maps and helper classes, producing the same
/// [ExecutionResult] as the bytecode interpreter: the oracle for the optimiser and the backends.
///
/// Values live in a `long[]` per call, indexed by value id (an `i32` held zero-extended, as
/// [dev.ebpfc.ir.BinaryOp] defines). Every local call gets the stack frame the layout gives its
/// depth (`frame_pointer` = [MemoryLayout#frameTop]), zeroed on entry and unmapped on return;
/// beyond [MemoryLayout#MAX_FRAMES] frames the run stops with CALL_DEPTH. Each executed
/// instruction costs one unit of the budget (block parameters are free), so counts differ from
/// the bytecode interpreter's by nature. A helper's tail-call request replaces the running
/// function by the target program's entry, in the same frame.
///
/// The run setup and result building mirror the bytecode interpreter's private `Run`; they move
/// to the runtime's shared run environment when that lands.
public final class IrInterpreter {
    private static final int STACK_WINDOW = MemoryLayout.window(MemoryLayout.STACK_BASE);

    private final IrProgram[] programs;
    private final RuntimeOptions options;
    private final ContextKind contextKind;
    private final Map<Function, Code> code = new IdentityHashMap<>();

    /// `options.context()` says what r1 points to (RAW when null); programs are numbered by
    /// position, as a `PROG_ARRAY` names them.
    public IrInterpreter(List<IrProgram> programs, RuntimeOptions options) {
        if (programs.isEmpty()) throw new IllegalArgumentException("no program to run");
        this.programs = programs.toArray(new IrProgram[0]);
        this.options = options;
        this.contextKind = options.context() != null ? options.context() : ContextKind.RAW;
    }

    public RuntimeOptions options() {
        return options;
    }

    /// Runs program `entry` against `maps` (mutated by the run) and `input`.
    public ExecutionResult run(int entry, MapSet maps, RunInput input) {
        return new Run(maps, input).execute(entry);
    }

    /// A function's blocks as arrays, by block id.
    private static final class Code {
        final Inst[][] insts;
        final int[][] params;

        Code(Function f) {
            insts = new Inst[f.blockIdBound()][];
            params = new int[f.blockIdBound()][];
            for (Block b : f.blocks()) {
                insts[b.id()] = b.instructions().toArray(new Inst[0]);
                params[b.id()] = b.params().stream().mapToInt(Value::id).toArray();
            }
        }
    }

    private Code codeOf(Function f) {
        Code c = code.get(f);
        if (c == null) code.put(f, c = new Code(f));
        return c;
    }

    /// The state of one run.
    private final class Run {
        final MapSet maps;
        final ProgramContext context;
        final AddressSpace space = new AddressSpace();
        final Region[] win = space.windows;
        final Region[] stacks = new Region[MemoryLayout.MAX_FRAMES];
        final HelperEnvironment env;
        final List<HelperCall> trace = new ArrayList<>();
        long remaining = options.budget();
        /// The program and call depth of the instruction calling a helper, for callbacks.
        IrProgram current;
        int currentDepth;

        Run(MapSet maps, RunInput input) {
            this.maps = maps;
            this.context = new ProgramContext(contextKind, input);
            context.mapInto(space);
            for (BpfMap m : maps.all()) if (m.region() != null) space.map(m.region());
            stacks[0] = frame(0);
            this.env = new HelperEnvironment(space, maps, context, options.helpers());
            env.setCallbacks(this::callback);
        }

        /// Runs the function whose code address is `address` (the slot it was lifted from) as a
        /// local call from the helper's caller, for `bpf_loop`.
        long callback(long address, long... args) {
            IrProgram p = current;
            int depth = currentDepth;
            int slot = MemoryLayout.slotOfCodeAddress(address);
            String name = slot >= 0 ? p.functionAt(slot) : null;
            Function f = name != null ? p.module().function(name) : null;
            if (f == null) throw new HelperException(ErrorKind.BAD_CALL, "callback 0x" + Long.toHexString(address) + " is not a function of the program");
            try {
                return local(p, f, args, depth);
            } finally {
                current = p;
                currentDepth = depth;
            }
        }

        ExecutionResult execute(int entry) {
            IrProgram p = programs[entry];
            if (p.failed()) return result(0, p.failure(), p.failureMessage());
            if (p.module().maps().size() > maps.size()) {
                return result(0, ErrorKind.REJECTED, "the program refers to " + p.module().maps().size() + " maps, but the run has " + maps.size());
            }
            win[STACK_WINDOW] = stacks[0];
            long[] args = {context.r1(), context.r2(), 0, 0, 0};
            try {
                long r0 = call(p, p.module().entry(), args, 0);
                return result(r0, ErrorKind.NONE, "");
            } catch (IrTrap t) {
                return result(t.kind == ErrorKind.UNWIND || t.kind == ErrorKind.NONE ? t.r0 : 0, t.kind, t.getMessage());
            } catch (MemoryAccessException e) {
                return result(0, ErrorKind.OUT_OF_BOUNDS, e.getMessage());
            } catch (HelperException e) {
                return result(0, e.kind, e.getMessage());
            } catch (ArithmeticException | IllegalArgumentException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                // A helper handed impossible arguments (sizes beyond any region): never escape as an exception.
                return result(0, ErrorKind.OUT_OF_BOUNDS, "helper arguments out of range: " + e.getMessage());
            }
        }

        ExecutionResult result(long r0, ErrorKind kind, String message) {
            List<RegionSnapshot> regions = new ArrayList<>(context.snapshot());
            List<byte[]> ring = new ArrayList<>();
            for (BpfMap m : maps.all()) {
                if (m instanceof RingBufMap rb) {
                    ring.addAll(rb.records());
                    continue;
                }
                if (m instanceof ProgArrayMap) continue;
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (Map.Entry<ByteKey, byte[]> e : m.entries().entrySet()) {
                    out.writeBytes(e.getKey().bytes());
                    out.writeBytes(e.getValue());
                }
                regions.add(new RegionSnapshot("map " + m.name(), out.toByteArray()));
            }
            return new ExecutionResult(r0, kind, message, -1, options.budget() - remaining, regions, trace,
                    env.printkOutput(), env.perfEvents(), ring);
        }

        Region frame(int i) {
            return new Region("stack frame " + i, MemoryLayout.stackBase(i), new byte[MemoryLayout.STACK_SIZE], true);
        }

        /// Runs `f` of program `p` at call depth `depth` (its frame already mapped) and returns r0.
        long call(IrProgram p, Function f, long[] args, int depth) {
            Code c = codeOf(f);
            long[] v = new long[f.valueIdBound()];
            Block entry = f.entry();
            int[] ps = c.params[entry.id()];
            for (int k = 0; k < ps.length; k++) v[ps[k]] = k < args.length ? args[k] : 0;
            int block = entry.id();
            while (true) {
                Inst[] insts = c.insts[block];
                int next = -1;
                for (Inst inst : insts) {
                    if (--remaining < 0) {
                        remaining = 0;
                        throw new IrTrap(ErrorKind.BUDGET_EXHAUSTED, "instruction budget of " + options.budget() + " exhausted");
                    }
                    Value res = inst.result();
                    switch (inst.op()) {
                        case Const k -> v[res.id()] = k.value();
                        case Binary(var op, Value a, Value b) -> v[res.id()] = op.evaluate(v[a.id()], v[b.id()], res.type());
                        case Unary(var op, Value a) -> v[res.id()] = op.evaluate(v[a.id()], res.type());
                        case Extend(boolean signed, int from, Type to, Value a) -> {
                            long x = v[a.id()];
                            int sh = 64 - from;
                            long r = signed ? (x << sh) >> sh : (x << sh) >>> sh;
                            v[res.id()] = to == Type.I32 ? r & 0xffff_ffffL : r;
                        }
                        case Trunc(Value a) -> v[res.id()] = v[a.id()] & 0xffff_ffffL;
                        case ByteSwap(int bits, Value a) -> {
                            long x = v[a.id()];
                            long r = switch (bits) {
                                case 16 -> Short.reverseBytes((short) x) & 0xffffL;
                                case 32 -> Integer.reverseBytes((int) x) & 0xffff_ffffL;
                                default -> Long.reverseBytes(x);
                            };
                            v[res.id()] = res.type() == Type.I32 ? r & 0xffff_ffffL : r;
                        }
                        case Cmp(var cond, Width w, Value a, Value b) -> v[res.id()] = cond.test(v[a.id()], v[b.id()], w) ? 1 : 0;
                        case Select(Value cnd, Value t, Value e) -> v[res.id()] = v[cnd.id()] != 0 ? v[t.id()] : v[e.id()];
                        case Load l -> v[res.id()] = load(l, v[l.addr().id()] + l.offset());
                        case Store s -> space.write(v[s.addr().id()] + s.offset(), s.size().bytes, v[s.value().id()]);
                        case AtomicRmw a -> {
                            long addr = v[a.addr().id()] + a.offset();
                            long old = readSized(addr, a.size());
                            long x = v[a.value().id()];
                            long nv = switch (a.op()) {
                                case ADD -> old + x;
                                case OR -> old | x;
                                case AND -> old & x;
                                case XOR -> old ^ x;
                                case XCHG -> x;
                                case CMPXCHG -> throw new IllegalStateException("cmpxchg is its own instruction");
                            };
                            space.write(addr, a.size().bytes, nv);
                            if (a.fetch()) v[res.id()] = old;
                        }
                        case CmpXchg x -> {
                            long addr = v[x.addr().id()] + x.offset();
                            long old = readSized(addr, x.size());
                            long exp = v[x.expected().id()];
                            boolean eq = x.size() == Size.DW ? old == exp : (int) old == (int) exp;
                            // The old value is written back when they differ, as the interpreter does.
                            space.write(addr, x.size().bytes, eq ? v[x.replacement().id()] : old);
                            v[res.id()] = old;
                        }
                        case PacketLoad pl -> v[res.id()] = packetLoad(pl.size(), v[pl.offset().id()]);
                        case MapRef m -> v[res.id()] = MemoryLayout.mapHandle(m.mapIndex());
                        case MapValueAddr m -> v[res.id()] = MemoryLayout.mapValuesBase(m.mapIndex()) + (m.offset() & 0xffff_ffffL);
                        case FramePointer fp -> v[res.id()] = MemoryLayout.frameTop(depth);
                        case FuncAddr fa -> {
                            Integer slot = p.functionSlots().get(fa.function());
                            if (slot == null) throw new IrTrap(ErrorKind.BAD_CALL, "func_addr of @" + fa.function() + ", which has no code address");
                            v[res.id()] = MemoryLayout.codeAddress(slot);
                        }
                        case CallHelper h -> {
                            long[] a = values(v, h.args());
                            current = p;
                            currentDepth = depth;
                            long r0 = helper(h.helper(), a);
                            int tail = env.tailCallProgram();
                            if (tail >= 0) return tailCall(tail, a, depth);
                            v[res.id()] = r0;
                        }
                        case CallLocal cl -> {
                            Function callee = p.module().function(cl.function());
                            if (callee == null) throw new IrTrap(ErrorKind.BAD_CALL, "call to @" + cl.function() + ", which is not in the module");
                            v[res.id()] = local(p, callee, values(v, cl.args()), depth);
                        }
                        case CallKfunc k -> throw new IrTrap(ErrorKind.BAD_CALL, "kfunc " + k.btfId() + " is not available");
                        case CallIndirect ci -> {
                            long target = v[ci.target().id()];
                            long[] a = values(v, ci.args());
                            int slot = MemoryLayout.slotOfCodeAddress(target);
                            String name = slot >= 0 ? p.functionAt(slot) : null;
                            if (name != null) {
                                v[res.id()] = local(p, p.module().function(name), a, depth);
                            } else if (options.profile().get(target) != null) {
                                // As in the interpreter, a helper reached by callx cannot tail call.
                                current = p;
                                currentDepth = depth;
                                v[res.id()] = helper(target, a);
                            } else {
                                throw new IrTrap(ErrorKind.BAD_CALL, "callx target 0x" + Long.toHexString(target) + " is neither a function nor a helper");
                            }
                        }
                        case Jump(BlockCall t) -> next = pass(v, c, t);
                        case Branch br -> next = pass(v, c, br.cond().test(v[br.a().id()], v[br.b().id()], br.width()) ? br.ifTrue() : br.ifFalse());
                        case Return(Value r) -> {
                            return v[r.id()];
                        }
                        case TailCall tc -> {
                            long[] a = {v[tc.ctx().id()], v[tc.map().id()], v[tc.index().id()]};
                            helper(new dev.ebpfc.runtime.helpers.TailCall(), 12, a);
                            int tail = env.tailCallProgram();
                            if (tail >= 0) return tailCall(tail, a, depth);
                            next = pass(v, c, tc.fallthrough());
                        }
                        case Trap(var reason) -> throw new IrTrap(switch (reason) {
                            case OUT_OF_BOUNDS -> ErrorKind.OUT_OF_BOUNDS;
                            case BAD_CALL -> ErrorKind.BAD_CALL;
                            case UNREACHABLE -> ErrorKind.UNSUPPORTED;
                        }, "trap " + reason + " in @" + f.name());
                    }
                }
                if (next < 0) throw new IllegalStateException("block without terminator in @" + f.name());
                block = next;
            }
        }

        private long[] values(long[] v, List<Value> args) {
            long[] a = new long[args.size()];
            for (int k = 0; k < a.length; k++) a[k] = v[args.get(k).id()];
            return a;
        }

        /// Assigns the edge's arguments to the target's parameters (all read before any is written).
        private int pass(long[] v, Code c, BlockCall t) {
            int[] ps = c.params[t.target().id()];
            List<Value> args = t.args();
            if (ps.length == 1) {
                v[ps[0]] = v[args.getFirst().id()];
            } else if (ps.length > 1) {
                long[] tmp = new long[ps.length];
                for (int k = 0; k < ps.length; k++) tmp[k] = v[args.get(k).id()];
                for (int k = 0; k < ps.length; k++) v[ps[k]] = tmp[k];
            }
            return t.target().id();
        }

        private long load(Load l, long addr) {
            int n = l.size().bytes;
            long x = space.read(addr, n);
            // Context rules may yield a whole pointer for a 4-byte field (data, data_end).
            if (l.type().isPointer()) return x;
            long r = switch (n) {
                case 1 -> l.signed() ? (byte) x : x & 0xffL;
                case 2 -> l.signed() ? (short) x : x & 0xffffL;
                case 4 -> l.signed() ? (int) x : x & 0xffff_ffffL;
                default -> x;
            };
            return l.type() == Type.I32 ? r & 0xffff_ffffL : r;
        }

        private long readSized(long addr, Size size) {
            long x = space.read(addr, size.bytes);
            return size == Size.DW ? x : x & 0xffff_ffffL;
        }

        private long packetLoad(Size size, long o) {
            int n = size.bytes;
            long start = context.packetStart();
            if (o < 0 || (int) o != o || start + o + n > context.packetEnd()) {
                throw new IrTrap(ErrorKind.NONE, 0, "packet load of " + n + " bytes at offset " + o
                        + " is outside the " + (context.packetEnd() - start) + "-byte packet: the program returns 0");
            }
            long x = env.memory.read(start + o, n);
            return n == 4 ? Integer.reverseBytes((int) x) & 0xffff_ffffL : n == 2 ? Short.reverseBytes((short) x) & 0xffffL : x;
        }

        /// A local call from depth `depth`: a fresh frame one deeper, unmapped again on return.
        private long local(IrProgram p, Function callee, long[] args, int depth) {
            if (depth + 1 >= MemoryLayout.MAX_FRAMES) {
                throw new IrTrap(ErrorKind.CALL_DEPTH, "call depth exceeds " + MemoryLayout.MAX_FRAMES + " frames");
            }
            int d = depth + 1;
            Region frame = stacks[d];
            if (frame == null) frame = stacks[d] = frame(d);
            else Arrays.fill(frame.data, (byte) 0);
            win[STACK_WINDOW + d] = frame;
            long r0 = call(p, callee, args, d);
            win[STACK_WINDOW + d] = null;
            return r0;
        }

        /// Replaces the running function by program `tail`'s entry, in the same (cleared) frame.
        private long tailCall(int tail, long[] args, int depth) {
            if (tail >= programs.length) {
                throw new IrTrap(ErrorKind.BAD_CALL, "tail call to program " + tail + ", but only " + programs.length + " programs are loaded");
            }
            IrProgram target = programs[tail];
            if (target.failed()) {
                throw new IrTrap(target.failure() == ErrorKind.REJECTED ? ErrorKind.REJECTED : ErrorKind.UNSUPPORTED,
                        "tail call into program " + tail + ": " + target.failureMessage());
            }
            Arrays.fill(stacks[depth].data, (byte) 0);
            return call(target, target.module().entry(), args, depth);
        }

        private long helper(long id, long[] args) {
            Helper h = options.profile().get(id);
            if (h == null) throw new IrTrap(ErrorKind.BAD_CALL, "unknown helper " + id + " in the " + options.profile().name + " profile");
            return helper(h, (int) id, args);
        }

        /// Calls `h` with `args` (missing ones 0) and records the call with the arguments its
        /// prototype takes ([HelperCall#of]), as every engine does.
        private long helper(Helper h, int id, long[] args) {
            env.resetRequests();
            long ret = h.call(env, arg(args, 0), arg(args, 1), arg(args, 2), arg(args, 3), arg(args, 4));
            trace.add(HelperCall.of(h, id, env, args, ret));
            if (env.stopKind() != null) throw new IrTrap(env.stopKind(), ret, env.stopMessage());
            return ret;
        }

        private static long arg(long[] a, int i) {
            return i < a.length ? a[i] : 0;
        }
    }
}
