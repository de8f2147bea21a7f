package dev.ebpfc.ir;

import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.Instruction.*;

import java.util.List;
import java.util.Objects;

/// Builds a function through a cursor: create blocks, `switchTo` one, and each helper appends an
/// instruction there (or inserts it before a chosen instruction) and returns its result. Result
/// types come from [TypeRules], so an ill-typed request fails at once with the reason, where
/// the lifter made it.
public final class FunctionBuilder {
    private final Function function;
    private Block block;
    /// Insert before this instruction; null to append to `block`.
    private Inst before;

    public FunctionBuilder(String name) {
        this(new Function(name));
    }

    public FunctionBuilder(Function function) {
        this.function = Objects.requireNonNull(function);
    }

    public Function function() {
        return function;
    }

    /// A new block at the end of the layout; the first one created is the entry.
    public Block createBlock() {
        return function.createBlock();
    }

    /// Appends from now on to the end of `b`.
    public FunctionBuilder switchTo(Block b) {
        if (b.function() != function) throw new IllegalArgumentException(b + " is not in @" + function.name());
        block = b;
        before = null;
        return this;
    }

    /// Inserts from now on just before `inst`.
    public FunctionBuilder positionBefore(Inst inst) {
        block = Objects.requireNonNull(inst.block(), "instruction is not in a block");
        before = inst;
        return this;
    }

    /// The block being filled.
    public Block current() {
        return block;
    }

    public Value param(Block b, Type type) {
        return b.addParam(type);
    }

    /// Places `op` at the cursor and returns the instruction.
    public Inst insert(Instruction op) {
        if (block == null) throw new IllegalStateException("no current block; call switchTo first");
        Inst inst = function.newInst(op);
        return before == null ? block.append(inst) : block.insertBefore(before, inst);
    }

    private Value emit(Instruction op) {
        return insert(op).result();
    }

    // ---- values ---------------------------------------------------------------------------------

    public Value iconst(Type type, long value) {
        return emit(new Const(type, value));
    }

    public Value i64(long value) {
        return iconst(Type.I64, value);
    }

    public Value i32(int value) {
        return iconst(Type.I32, value);
    }

    public Value binary(BinaryOp op, Value a, Value b) {
        return emit(new Binary(op, a, b));
    }

    public Value add(Value a, Value b) {
        return binary(BinaryOp.ADD, a, b);
    }

    public Value sub(Value a, Value b) {
        return binary(BinaryOp.SUB, a, b);
    }

    public Value mul(Value a, Value b) {
        return binary(BinaryOp.MUL, a, b);
    }

    public Value udiv(Value a, Value b) {
        return binary(BinaryOp.UDIV, a, b);
    }

    public Value sdiv(Value a, Value b) {
        return binary(BinaryOp.SDIV, a, b);
    }

    public Value urem(Value a, Value b) {
        return binary(BinaryOp.UREM, a, b);
    }

    public Value srem(Value a, Value b) {
        return binary(BinaryOp.SREM, a, b);
    }

    public Value and(Value a, Value b) {
        return binary(BinaryOp.AND, a, b);
    }

    public Value or(Value a, Value b) {
        return binary(BinaryOp.OR, a, b);
    }

    public Value xor(Value a, Value b) {
        return binary(BinaryOp.XOR, a, b);
    }

    public Value shl(Value a, Value b) {
        return binary(BinaryOp.SHL, a, b);
    }

    public Value lshr(Value a, Value b) {
        return binary(BinaryOp.LSHR, a, b);
    }

    public Value ashr(Value a, Value b) {
        return binary(BinaryOp.ASHR, a, b);
    }

    public Value neg(Value a) {
        return emit(new Unary(UnaryOp.NEG, a));
    }

    public Value not(Value a) {
        return emit(new Unary(UnaryOp.NOT, a));
    }

    public Value zext(int fromBits, Type to, Value a) {
        return emit(new Extend(false, fromBits, to, a));
    }

    public Value sext(int fromBits, Type to, Value a) {
        return emit(new Extend(true, fromBits, to, a));
    }

    /// `i32` → `i64` as a BPF 32-bit ALU result is widened.
    public Value zext32(Value a) {
        return zext(32, Type.I64, a);
    }

    public Value trunc(Value a) {
        return emit(new Trunc(a));
    }

    public Value bswap(int bits, Value a) {
        return emit(new ByteSwap(bits, a));
    }

    public Value cmp(Cond cond, Width width, Value a, Value b) {
        return emit(new Cmp(cond, width, a, b));
    }

    public Value select(Value condition, Value ifTrue, Value ifFalse) {
        return emit(new Select(condition, ifTrue, ifFalse));
    }

    // ---- memory ---------------------------------------------------------------------------------

    /// A load into an `i64`.
    public Value load(Size size, boolean signed, Value addr, int offset) {
        return load(Type.I64, size, signed, addr, offset);
    }

    public Value load(Type type, Size size, boolean signed, Value addr, int offset) {
        return emit(new Load(type, size, signed, addr, offset));
    }

    public Inst store(Size size, Value addr, int offset, Value value) {
        return insert(new Store(size, addr, offset, value));
    }

    /// An atomic operation returning the old value (`fetch`).
    public Value atomicFetch(AtomicOp op, Size size, Value addr, int offset, Value value) {
        return emit(new AtomicRmw(op, size, true, addr, offset, value));
    }

    public Inst atomic(AtomicOp op, Size size, Value addr, int offset, Value value) {
        return insert(new AtomicRmw(op, size, false, addr, offset, value));
    }

    public Value cmpXchg(Size size, Value addr, int offset, Value expected, Value replacement) {
        return emit(new CmpXchg(size, addr, offset, expected, replacement));
    }

    public Value packetLoad(Size size, Value offset) {
        return emit(new PacketLoad(size, offset));
    }

    // ---- addresses and calls --------------------------------------------------------------------

    public Value mapRef(int mapIndex) {
        return emit(new MapRef(mapIndex));
    }

    public Value mapValueAddr(int mapIndex, int offset, boolean global) {
        return emit(new MapValueAddr(mapIndex, offset, global));
    }

    public Value framePointer() {
        return emit(new FramePointer());
    }

    public Value funcAddr(String name) {
        return emit(new FuncAddr(name));
    }

    public Value callHelper(int helper, Value... args) {
        return emit(new CallHelper(helper, List.of(args)));
    }

    public Value callLocal(String name, Value... args) {
        return emit(new CallLocal(name, List.of(args)));
    }

    public Value callKfunc(int btfId, Value... args) {
        return emit(new CallKfunc(btfId, List.of(args)));
    }

    public Value callIndirect(Value target, Value... args) {
        return emit(new CallIndirect(target, List.of(args)));
    }

    // ---- terminators ----------------------------------------------------------------------------

    public Inst jump(Block target, Value... args) {
        return insert(new Jump(BlockCall.of(target, args)));
    }

    public Inst branch(Cond cond, Width width, Value a, Value b, BlockCall ifTrue, BlockCall ifFalse) {
        return insert(new Branch(cond, width, a, b, ifTrue, ifFalse));
    }

    /// A branch passing no arguments.
    public Inst branch(Cond cond, Width width, Value a, Value b, Block ifTrue, Block ifFalse) {
        return branch(cond, width, a, b, BlockCall.of(ifTrue), BlockCall.of(ifFalse));
    }

    public Inst ret(Value value) {
        return insert(new Return(value));
    }

    public Inst tailCall(Value ctx, Value map, Value index, BlockCall fallthrough) {
        return insert(new TailCall(ctx, map, index, fallthrough));
    }

    public Inst trap(TrapReason reason) {
        return insert(new Trap(reason));
    }
}
