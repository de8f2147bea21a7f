package dev.ebpfc.ir;

import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/// What an instruction computes: one record per operation, operands as [Value] references. A
/// record is immutable and compares by value (operands by identity), so it doubles as the key for
/// value numbering; its placement in a block and its result live in the [Inst] that holds it (the
/// split Cranelift makes between `InstructionData` and `Inst`). Changing an operand means
/// replacing the record through [Inst#setOp], which keeps use lists right.
///
/// Result types follow [TypeRules]; where the operands do not determine the type (constants,
/// loads, extensions) the record carries it. Records validate their fixed fields on construction;
/// operand types are the checker's business, so ill-typed IR can be built and reported.
public sealed interface Instruction {

    /// Every value operand in order, block-call arguments included.
    List<Value> operands();

    /// This instruction with each operand replaced by `f(operand)`; `this` if nothing changed.
    Instruction mapOperands(UnaryOperator<Value> f);

    /// Whether the instruction defines a value.
    boolean hasResult();

    /// The outgoing edges of a terminator; empty for other instructions.
    default List<BlockCall> blockCalls() {
        return List.of();
    }

    /// This terminator with each edge replaced by `f(edge)`; other instructions return `this`.
    default Instruction mapBlockCalls(UnaryOperator<BlockCall> f) {
        return this;
    }

    default boolean isTerminator() {
        return this instanceof Terminator;
    }

    /// Whether the result may depend on memory contents.
    default boolean readsMemory() {
        return switch (this) {
            case Load _, AtomicRmw _, CmpXchg _, PacketLoad _ -> true;
            case CallHelper _, CallLocal _, CallKfunc _, CallIndirect _, TailCall _ -> true;
            case Const _, Binary _, Unary _, Extend _, Trunc _, ByteSwap _, Cmp _, Select _, Store _,
                 MapRef _, MapValueAddr _, FramePointer _, FuncAddr _, Jump _, Branch _, Return _,
                 Trap _ -> false;
        };
    }

    /// Whether the instruction may change memory.
    default boolean writesMemory() {
        return switch (this) {
            case Store _, AtomicRmw _, CmpXchg _, CallHelper _, CallLocal _, CallKfunc _, CallIndirect _,
                 TailCall _ -> true;
            case Const _, Binary _, Unary _, Extend _, Trunc _, ByteSwap _, Cmp _, Select _, Load _,
                 MapRef _, MapValueAddr _, FramePointer _, FuncAddr _, PacketLoad _, Jump _, Branch _,
                 Return _, Trap _ -> false;
        };
    }

    /// Whether executing the instruction can end the program abnormally or leave the function
    /// other than by its terminator: memory faults in unverified code, unknown calls, and the
    /// legacy packet loads that return 0 from the program when out of bounds.
    default boolean mayTrap() {
        return switch (this) {
            case Load _, Store _, AtomicRmw _, CmpXchg _, PacketLoad _, CallHelper _, CallLocal _,
                 CallKfunc _, CallIndirect _, TailCall _, Trap _ -> true;
            case Const _, Binary _, Unary _, Extend _, Trunc _, ByteSwap _, Cmp _, Select _, MapRef _,
                 MapValueAddr _, FramePointer _, FuncAddr _, Jump _, Branch _, Return _ -> false;
        };
    }

    /// Whether the instruction only computes its result from its operands: removable when
    /// unused, mergeable when equal, movable anywhere its operands dominate.
    default boolean isPure() {
        return !readsMemory() && !writesMemory() && !mayTrap() && !isTerminator();
    }

    /// Instructions that end a block; exactly one, last, per block.
    sealed interface Terminator extends Instruction permits Jump, Branch, Return, TailCall, Trap {
        @Override
        default boolean hasResult() {
            return false;
        }
    }

    // ---- constants and arithmetic -------------------------------------------------------------

    /// An integer constant. `i32` values are held zero-extended (see [BinaryOp]).
    record Const(Type type, long value) implements Instruction {
        public Const {
            if (type != Type.I32 && type != Type.I64) throw new IllegalArgumentException("constants are i32 or i64, not " + type);
            if (type == Type.I32) value &= 0xffff_ffffL;
        }

        @Override
        public List<Value> operands() {
            return List.of();
        }

        @Override
        public Const mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// `a op b` with BPF semantics ([BinaryOp]).
    record Binary(BinaryOp op, Value a, Value b) implements Instruction {
        public Binary {
            Objects.requireNonNull(op);
            Objects.requireNonNull(a);
            Objects.requireNonNull(b);
        }

        @Override
        public List<Value> operands() {
            return List.of(a, b);
        }

        @Override
        public Binary mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(a), y = f.apply(b);
            return x == a && y == b ? this : new Binary(op, x, y);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    record Unary(UnaryOp op, Value a) implements Instruction {
        public Unary {
            Objects.requireNonNull(op);
            Objects.requireNonNull(a);
        }

        @Override
        public List<Value> operands() {
            return List.of(a);
        }

        @Override
        public Unary mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(a);
            return x == a ? this : new Unary(op, x);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// Zero- or sign-extends the low `fromBits` (8, 16 or 32) of `a` to `to`.
    record Extend(boolean signed, int fromBits, Type to, Value a) implements Instruction {
        public Extend {
            if (fromBits != 8 && fromBits != 16 && fromBits != 32) throw new IllegalArgumentException("extension from " + fromBits + " bits");
            if (to != Type.I32 && to != Type.I64) throw new IllegalArgumentException("extension to " + to);
            if (fromBits >= to.bits()) throw new IllegalArgumentException("extension from " + fromBits + " bits to " + to);
            Objects.requireNonNull(a);
        }

        @Override
        public List<Value> operands() {
            return List.of(a);
        }

        @Override
        public Extend mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(a);
            return x == a ? this : new Extend(signed, fromBits, to, x);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// The low 32 bits of a 64-bit value.
    record Trunc(Value a) implements Instruction {
        public Trunc {
            Objects.requireNonNull(a);
        }

        @Override
        public List<Value> operands() {
            return List.of(a);
        }

        @Override
        public Trunc mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(a);
            return x == a ? this : new Trunc(x);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// Reverses the bytes of the low `bits` (16, 32, 64) of `a`; the result is zero above them
    /// (RFC 9669 §4.2: `bswap16` clears bits 16–63).
    record ByteSwap(int bits, Value a) implements Instruction {
        public ByteSwap {
            if (bits != 16 && bits != 32 && bits != 64) throw new IllegalArgumentException("byte swap of " + bits + " bits");
            Objects.requireNonNull(a);
        }

        @Override
        public List<Value> operands() {
            return List.of(a);
        }

        @Override
        public ByteSwap mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(a);
            return x == a ? this : new ByteSwap(bits, x);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// 1 if `a cond b` holds on the low `width` bits, else 0; an `i64`.
    record Cmp(Cond cond, Width width, Value a, Value b) implements Instruction {
        public Cmp {
            Objects.requireNonNull(cond);
            Objects.requireNonNull(width);
            Objects.requireNonNull(a);
            Objects.requireNonNull(b);
        }

        @Override
        public List<Value> operands() {
            return List.of(a, b);
        }

        @Override
        public Cmp mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(a), y = f.apply(b);
            return x == a && y == b ? this : new Cmp(cond, width, x, y);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// `condition != 0 ? ifTrue : ifFalse`.
    record Select(Value condition, Value ifTrue, Value ifFalse) implements Instruction {
        public Select {
            Objects.requireNonNull(condition);
            Objects.requireNonNull(ifTrue);
            Objects.requireNonNull(ifFalse);
        }

        @Override
        public List<Value> operands() {
            return List.of(condition, ifTrue, ifFalse);
        }

        @Override
        public Select mapOperands(UnaryOperator<Value> f) {
            Value c = f.apply(condition), t = f.apply(ifTrue), e = f.apply(ifFalse);
            return c == condition && t == ifTrue && e == ifFalse ? this : new Select(c, t, e);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    // ---- memory -------------------------------------------------------------------------------

    /// Reads `size` bytes at `addr + offset`, zero- or sign-extended to `type` (`i64` unless the
    /// loaded value is known to be a pointer, e.g. `xdp_md.data`, or narrowed to `i32`).
    record Load(Type type, Size size, boolean signed, Value addr, int offset) implements Instruction {
        public Load {
            Objects.requireNonNull(type);
            Objects.requireNonNull(size);
            Objects.requireNonNull(addr);
            if (signed && size == Size.DW) throw new IllegalArgumentException("no sign-extending 64-bit load");
        }

        @Override
        public List<Value> operands() {
            return List.of(addr);
        }

        @Override
        public Load mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(addr);
            return x == addr ? this : new Load(type, size, signed, x, offset);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// Writes the low `size` bytes of `value` at `addr + offset`.
    record Store(Size size, Value addr, int offset, Value value) implements Instruction {
        public Store {
            Objects.requireNonNull(size);
            Objects.requireNonNull(addr);
            Objects.requireNonNull(value);
        }

        @Override
        public List<Value> operands() {
            return List.of(addr, value);
        }

        @Override
        public Store mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(addr), y = f.apply(value);
            return x == addr && y == value ? this : new Store(size, x, offset, y);
        }

        @Override
        public boolean hasResult() {
            return false;
        }
    }

    /// Atomic read-modify-write (RFC 9669 §5.3); with `fetch` the result is the old value,
    /// zero-extended to `i64`. `cmpxchg` is [CmpXchg].
    record AtomicRmw(AtomicOp op, Size size, boolean fetch, Value addr, int offset, Value value) implements Instruction {
        public AtomicRmw {
            Objects.requireNonNull(op);
            Objects.requireNonNull(size);
            Objects.requireNonNull(addr);
            Objects.requireNonNull(value);
            if (op == AtomicOp.CMPXCHG) throw new IllegalArgumentException("cmpxchg is its own instruction");
            if (op.requiresFetch() && !fetch) throw new IllegalArgumentException(op.mnemonic + " always fetches");
            if (size != Size.W && size != Size.DW) throw new IllegalArgumentException("atomics are 32 or 64 bit");
        }

        @Override
        public List<Value> operands() {
            return List.of(addr, value);
        }

        @Override
        public AtomicRmw mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(addr), y = f.apply(value);
            return x == addr && y == value ? this : new AtomicRmw(op, size, fetch, x, offset, y);
        }

        @Override
        public boolean hasResult() {
            return fetch;
        }
    }

    /// Atomically: `old = *(addr + offset); if (old == expected) *(addr + offset) = replacement`;
    /// the result is `old`, zero-extended to `i64`.
    record CmpXchg(Size size, Value addr, int offset, Value expected, Value replacement) implements Instruction {
        public CmpXchg {
            Objects.requireNonNull(size);
            Objects.requireNonNull(addr);
            Objects.requireNonNull(expected);
            Objects.requireNonNull(replacement);
            if (size != Size.W && size != Size.DW) throw new IllegalArgumentException("atomics are 32 or 64 bit");
        }

        @Override
        public List<Value> operands() {
            return List.of(addr, expected, replacement);
        }

        @Override
        public CmpXchg mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(addr), e = f.apply(expected), r = f.apply(replacement);
            return x == addr && e == expected && r == replacement ? this : new CmpXchg(size, x, offset, e, r);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// The legacy `LD_ABS`/`LD_IND` load of `size` bytes at packet offset `offset`, converted
    /// from network order; out of bounds the program returns 0 (RFC 9669 §5.5, Linux).
    record PacketLoad(Size size, Value offset) implements Instruction {
        public PacketLoad {
            Objects.requireNonNull(size);
            Objects.requireNonNull(offset);
            if (size == Size.DW) throw new IllegalArgumentException("no 64-bit packet load");
        }

        @Override
        public List<Value> operands() {
            return List.of(offset);
        }

        @Override
        public PacketLoad mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(offset);
            return x == offset ? this : new PacketLoad(size, x);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    // ---- addresses ----------------------------------------------------------------------------

    /// The handle of the module's map number `mapIndex` (`lddw map_idx`): a `ptr.map`.
    record MapRef(int mapIndex) implements Instruction {
        public MapRef {
            if (mapIndex < 0) throw new IllegalArgumentException("map index " + mapIndex);
        }

        @Override
        public List<Value> operands() {
            return List.of();
        }

        @Override
        public MapRef mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// The address `offset` bytes into the value of map `mapIndex` (`lddw map_idx_value`): a
    /// `ptr.global` for global-data maps, else a `ptr.map_value`.
    record MapValueAddr(int mapIndex, int offset, boolean global) implements Instruction {
        public MapValueAddr {
            if (mapIndex < 0) throw new IllegalArgumentException("map index " + mapIndex);
        }

        @Override
        public List<Value> operands() {
            return List.of();
        }

        @Override
        public MapValueAddr mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// The frame pointer (r10) of the current function: a `ptr.stack` to the top of its frame.
    record FramePointer() implements Instruction {
        @Override
        public List<Value> operands() {
            return List.of();
        }

        @Override
        public FramePointer mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// The address of a function of the module (`lddw func`), for `callx` and callbacks: an `i64`.
    record FuncAddr(String function) implements Instruction {
        public FuncAddr {
            Objects.requireNonNull(function);
        }

        @Override
        public List<Value> operands() {
            return List.of();
        }

        @Override
        public FuncAddr mapOperands(UnaryOperator<Value> f) {
            return this;
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    // ---- calls: BPF passes at most five 64-bit arguments (r1–r5) and returns r0 ---------------

    /// The maximum number of call arguments (r1–r5).
    int MAX_CALL_ARGS = 5;

    record CallHelper(int helper, List<Value> args) implements Instruction {
        public CallHelper {
            args = checkArgs(args);
        }

        @Override
        public List<Value> operands() {
            return args;
        }

        @Override
        public CallHelper mapOperands(UnaryOperator<Value> f) {
            List<Value> m = mapAll(args, f);
            return m == args ? this : new CallHelper(helper, m);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// A call to a function of the module, by name.
    record CallLocal(String function, List<Value> args) implements Instruction {
        public CallLocal {
            Objects.requireNonNull(function);
            args = checkArgs(args);
        }

        @Override
        public List<Value> operands() {
            return args;
        }

        @Override
        public CallLocal mapOperands(UnaryOperator<Value> f) {
            List<Value> m = mapAll(args, f);
            return m == args ? this : new CallLocal(function, m);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// A kernel function call by BTF id.
    record CallKfunc(int btfId, List<Value> args) implements Instruction {
        public CallKfunc {
            args = checkArgs(args);
        }

        @Override
        public List<Value> operands() {
            return args;
        }

        @Override
        public CallKfunc mapOperands(UnaryOperator<Value> f) {
            List<Value> m = mapAll(args, f);
            return m == args ? this : new CallKfunc(btfId, m);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    /// `callx`: a call to the function whose address is `target`.
    record CallIndirect(Value target, List<Value> args) implements Instruction {
        public CallIndirect {
            Objects.requireNonNull(target);
            args = checkArgs(args);
        }

        @Override
        public List<Value> operands() {
            List<Value> all = new ArrayList<>(args.size() + 1);
            all.add(target);
            all.addAll(args);
            return all;
        }

        @Override
        public CallIndirect mapOperands(UnaryOperator<Value> f) {
            Value t = f.apply(target);
            List<Value> m = mapAll(args, f);
            return t == target && m == args ? this : new CallIndirect(t, m);
        }

        @Override
        public boolean hasResult() {
            return true;
        }
    }

    // ---- terminators --------------------------------------------------------------------------

    record Jump(BlockCall target) implements Terminator {
        public Jump {
            Objects.requireNonNull(target);
        }

        @Override
        public List<Value> operands() {
            return target.args();
        }

        @Override
        public Jump mapOperands(UnaryOperator<Value> f) {
            BlockCall t = target.mapArgs(f);
            return t == target ? this : new Jump(t);
        }

        @Override
        public List<BlockCall> blockCalls() {
            return List.of(target);
        }

        @Override
        public Jump mapBlockCalls(UnaryOperator<BlockCall> f) {
            return new Jump(f.apply(target));
        }
    }

    /// Compare-and-branch: to `ifTrue` when `a cond b` holds on the low `width` bits, else to
    /// `ifFalse` (fused, as in BPF and all three target ISAs).
    record Branch(Cond cond, Width width, Value a, Value b, BlockCall ifTrue, BlockCall ifFalse) implements Terminator {
        public Branch {
            Objects.requireNonNull(cond);
            Objects.requireNonNull(width);
            Objects.requireNonNull(a);
            Objects.requireNonNull(b);
            Objects.requireNonNull(ifTrue);
            Objects.requireNonNull(ifFalse);
        }

        @Override
        public List<Value> operands() {
            List<Value> all = new ArrayList<>(2 + ifTrue.args().size() + ifFalse.args().size());
            all.add(a);
            all.add(b);
            all.addAll(ifTrue.args());
            all.addAll(ifFalse.args());
            return all;
        }

        @Override
        public Branch mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(a), y = f.apply(b);
            BlockCall t = ifTrue.mapArgs(f), e = ifFalse.mapArgs(f);
            return x == a && y == b && t == ifTrue && e == ifFalse ? this : new Branch(cond, width, x, y, t, e);
        }

        @Override
        public List<BlockCall> blockCalls() {
            return List.of(ifTrue, ifFalse);
        }

        @Override
        public Branch mapBlockCalls(UnaryOperator<BlockCall> f) {
            return new Branch(cond, width, a, b, f.apply(ifTrue), f.apply(ifFalse));
        }
    }

    /// Returns `value` (r0) to the caller.
    record Return(Value value) implements Terminator {
        public Return {
            Objects.requireNonNull(value);
        }

        @Override
        public List<Value> operands() {
            return List.of(value);
        }

        @Override
        public Return mapOperands(UnaryOperator<Value> f) {
            Value x = f.apply(value);
            return x == value ? this : new Return(x);
        }
    }

    /// `bpf_tail_call(ctx, map, index)`: does not return when it succeeds; when it fails
    /// execution continues at `fallthrough`.
    record TailCall(Value ctx, Value map, Value index, BlockCall fallthrough) implements Terminator {
        public TailCall {
            Objects.requireNonNull(ctx);
            Objects.requireNonNull(map);
            Objects.requireNonNull(index);
            Objects.requireNonNull(fallthrough);
        }

        @Override
        public List<Value> operands() {
            List<Value> all = new ArrayList<>(3 + fallthrough.args().size());
            all.add(ctx);
            all.add(map);
            all.add(index);
            all.addAll(fallthrough.args());
            return all;
        }

        @Override
        public TailCall mapOperands(UnaryOperator<Value> f) {
            Value c = f.apply(ctx), m = f.apply(map), i = f.apply(index);
            BlockCall t = fallthrough.mapArgs(f);
            return c == ctx && m == map && i == index && t == fallthrough ? this : new TailCall(c, m, i, t);
        }

        @Override
        public List<BlockCall> blockCalls() {
            return List.of(fallthrough);
        }

        @Override
        public TailCall mapBlockCalls(UnaryOperator<BlockCall> f) {
            return new TailCall(ctx, map, index, f.apply(fallthrough));
        }
    }

    /// Stops the program with `reason`: unreachable code, or a fault proven to happen.
    record Trap(TrapReason reason) implements Terminator {
        public Trap {
            Objects.requireNonNull(reason);
        }

        @Override
        public List<Value> operands() {
            return List.of();
        }

        @Override
        public Trap mapOperands(UnaryOperator<Value> f) {
            return this;
        }
    }

    private static List<Value> checkArgs(List<Value> args) {
        List<Value> copy = List.copyOf(args);
        if (copy.size() > MAX_CALL_ARGS) throw new IllegalArgumentException(copy.size() + " call arguments; BPF passes at most " + MAX_CALL_ARGS);
        return copy;
    }

    private static List<Value> mapAll(List<Value> values, UnaryOperator<Value> f) {
        List<Value> mapped = null;
        for (int i = 0; i < values.size(); i++) {
            Value v = values.get(i), m = Objects.requireNonNull(f.apply(v));
            if (m != v && mapped == null) mapped = new ArrayList<>(values);
            if (mapped != null) mapped.set(i, m);
        }
        return mapped == null ? values : mapped;
    }
}
