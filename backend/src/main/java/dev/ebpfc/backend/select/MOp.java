package dev.ebpfc.backend.select;

import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeError;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;
import dev.ebpfc.ir.BinaryOp;
import dev.ebpfc.ir.UnaryOp;

/// The operations the -O2 [Selector] produces: target-independent payloads of
/// [dev.ebpfc.backend.mir.MachineInst]s, one record per kind of machine work. Each target's
/// emitter ([TargetMachine#emit]) turns every one of them into its own instructions, using the
/// register or spill slot the allocator gave each operand and its scratch registers for the rest.
///
/// The comment on each record gives its operands in `MachineInst.operands()` order (`=d` a def,
/// others uses; `p:` a physical register the selector fixed).
///
/// **Value representation** (every emitter keeps it): a 64-bit value fills its register; an `i32`
/// value (`w32` true, or a result the IR types `i32`) is held **zero-extended**: bits 32–63 are 0
/// in the register and in its spill slot, as in the IR interpreter. Every 32-bit operation must
/// leave its result that way (x86_64 and ARM64 32-bit forms do it for free; RISC-V `*w` forms
/// sign-extend, so the emitter clears the upper half). 32-bit operations may assume their inputs
/// are zero-extended but must only depend on their low 32 bits where BPF says so (shift counts are
/// masked to the width, `cond` of a `W32` compare reads the low halves).
///
/// **Immediates**: `imm` fields hold the IR constant. For 32-bit (`w32`/`W32`) operations only its
/// low 32 bits matter; for 64-bit ones the selector forms an `*Imm` only when the value fits a
/// signed 32-bit immediate. An emitter whose ISA cannot encode an immediate in the instruction
/// materialises it into a scratch register. Register divisors may be 0 or -1 at run time (the
/// emitter implements BPF's rules); immediate divisors never are (the selector folds them).
public sealed interface MOp {

    /// `=d, s`: a copy (a [dev.ebpfc.backend.mir.MachineInst#isMove]); either side may be a
    /// physical register (argument set-up, results of calls, incoming parameters).
    record Move() implements MOp { }

    /// `=d`: d = value (held per the value representation: `w32` values zero-extended).
    record Imm(long value) implements MOp { }

    /// `=d, a, b`: d = a op b with BPF semantics ([BinaryOp]: division by zero gives 0, remainder by
    /// zero leaves a, `INT_MIN sdiv -1` = `INT_MIN`, `srem -1` = 0, shift counts masked to the width)
    /// at 32 bits (`w32`) or 64.
    record Alu(BinaryOp op, boolean w32) implements MOp { }

    /// `=d, a`: d = a op imm; `imm` is never 0 for division/remainder (the selector folds those).
    record AluImm(BinaryOp op, boolean w32, long imm) implements MOp { }

    /// `=d, a`: negation or bitwise not.
    record Un(UnaryOp op, boolean w32) implements MOp { }

    /// `=d, a`: zero- or sign-extends the low `fromBits` (8, 16, 32) of `a` to 32 (`to32`, then
    /// zero-extended to 64 per the representation) or 64 bits.
    record Ext(boolean signed, int fromBits, boolean to32) implements MOp { }

    /// `=d, a`: the low 32 bits of a, zero-extended.
    record Trunc() implements MOp { }

    /// `=d, a`: reverses the bytes of the low `bits` (16, 32, 64) of a; zero above them.
    record Swap(int bits) implements MOp { }

    /// `=d, a, b`: d = 1 if `a cond b` on the low `width` bits, else 0 (`JSET`: `(a & b) != 0`).
    record SetCond(Cond cond, Width width) implements MOp { }

    /// `=d, a`: d = 1 if `a cond imm`, else 0.
    record SetCondImm(Cond cond, Width width, long imm) implements MOp { }

    /// `=d, c, t, f`: d = c != 0 ? t : f (64-bit test of c).
    record Select() implements MOp { }

    /// `=d, base`: d = the `size` bytes at base + offset, zero- or sign-extended to 64 bits.
    record Load(Size size, boolean signed, int offset) implements MOp { }

    /// `base, value`: writes the low `size` bytes of value at base + offset.
    record Store(Size size, int offset) implements MOp { }

    /// `base`: writes the low `size` bytes of imm at base + offset.
    record StoreImm(Size size, int offset, long imm) implements MOp { }

    /// With `fetch`: `=d, base, value`, else `base, value`. Atomic read-modify-write of `size` (W or
    /// DW) at base + offset (`op` is not `CMPXCHG`); with fetch d = the old value, zero-extended.
    record Atomic(AtomicOp op, Size size, boolean fetch, int offset) implements MOp { }

    /// `=d, base, expected, replacement`: atomically, old = *(base + offset); if the low `size`
    /// bytes of old equal those of expected, write replacement; d = old, zero-extended. The old
    /// value may also be written back when they differ (the interpreter does; no one can tell).
    record CmpXchg(Size size, int offset) implements MOp { }

    /// `=d`: d = the 8-byte value of pool entry `entry` (a map handle, a map value address or a
    /// code address; see [PoolEntry]).
    record PoolLoad(PoolEntry entry) implements MOp { }

    /// `=p:ret, p:arg0 … p:arg(n-1)`: calls pool entry `entry` (a helper or a runtime entry) with
    /// the C calling convention, the first `args` argument registers already set by moves. The
    /// instruction clobbers every caller-saved register (`MachineInst.clobbers`); the stack pointer
    /// is 16-byte aligned at the call. `slot` is the bytecode slot (for listings), or -1.
    record CallOut(PoolEntry entry, int args, int slot) implements MOp { }

    /// `=p:ret, p:arg0 … p:arg(n-1), p:fp`: calls function number `function` of this program (its
    /// body starts at `functionOffsets[function]`) with the -O2 local convention: arguments in the
    /// first `args` argument registers, the callee's frame pointer in argument register
    /// [TargetMachine#FRAME_POINTER_ARG]. Clobbers the caller-saved registers.
    record CallLocal(int function, int args) implements MOp { }

    /// `=p:ret, addr, p:arg0 … p:arg(n-1), p:fp`: calls the machine address in `addr` (a function of
    /// this program, found by `RESOLVE_CALLX` for `callx`) with the -O2 local convention, like
    /// [CallLocal]. Clobbers the caller-saved registers; `addr` is never in an argument register.
    record CallAddress(int args) implements MOp { }

    /// `=p:arg0 … =p:arg(n-1), =p:fp`: the function's incoming arguments and frame pointer, as the
    /// caller left them (first instruction of block 0; the prologue precedes it). Emits nothing.
    record Params(int args) implements MOp { }

    /// `newFp`: stops the program with runtime error `CALL_DEPTH` at `slot` when newFp (the frame
    /// pointer a local call is about to pass) is at or above the limit the entry stored (the frame
    /// top of depth [dev.ebpfc.runtime.memory.MemoryLayout#MAX_FRAMES]); see [TargetMachine].
    record CheckDepth(int slot) implements MOp { }

    /// Terminator, `a, b`: to successor 0 if `a cond b` on the low `width` bits, else successor 1.
    record Branch(Cond cond, Width width) implements MOp { }

    /// Terminator, `a`: to successor 0 if `a cond imm`, else successor 1.
    record BranchImm(Cond cond, Width width, long imm) implements MOp { }

    /// Terminator: to successor 0.
    record Jump() implements MOp { }

    /// Terminator, `p:ret`: returns to the caller (the value is already in the return register).
    record Return() implements MOp { }

    /// Calls runtime entry `ERROR(error, slot, detail)` and leaves through the unwind path (the
    /// engine stops the program inside the call; the jump is a backstop). A terminator when the IR
    /// traps; mid-block for a kfunc call, where nothing after it runs.
    record Trap(RuntimeError error, int slot, long detail) implements MOp { }
}
