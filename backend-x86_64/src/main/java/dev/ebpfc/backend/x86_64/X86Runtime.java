package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.CodeBuffer.Label;
import dev.ebpfc.backend.ConstantPool;
import dev.ebpfc.backend.PoolEntry;
import dev.ebpfc.backend.RuntimeEntry;
import dev.ebpfc.backend.RuntimeError;

/// Calls out of x86_64 code, shared by the -O0 lowering and the -O2 emitter: every call goes
/// through a constant-pool entry (`call *pool(%rip)`), which is what lets the native engine's
/// trampolines and the emulator's trap stubs sit behind it (docs/native-abi.md).
final class X86Runtime {
    private X86Runtime() {
    }

    /// `call *entry(%rip)`.
    static void call(CodeBuffer<X86Insn> buf, ConstantPool pool, PoolEntry entry) {
        buf.emit(new X86LabelRefs.PoolCall(), pool.label(entry));
    }

    /// `mov entry(%rip), dst`.
    static void load(CodeBuffer<X86Insn> buf, ConstantPool pool, X86Reg dst, PoolEntry entry) {
        buf.emit(new X86LabelRefs.PoolLoad(dst), pool.label(entry));
    }

    /// `ERROR(error, slot, detail)` in the first three argument registers, then the unwind path
    /// (the engine stops the program inside the call; the jump is a backstop).
    static void error(CodeBuffer<X86Insn> buf, ConstantPool pool, Label unwind, RuntimeError error, int slot, long detail) {
        buf.emit(new X86Insn.MovRI(OpSize.L, X86Reg.RDI, error.ordinal()));
        buf.emit(new X86Insn.MovRI(OpSize.L, X86Reg.RSI, slot));
        buf.emit(new X86Insn.MovRI(OpSize.Q, X86Reg.RDX, detail));
        call(buf, pool, new PoolEntry.Runtime(RuntimeEntry.ERROR));
        buf.emit(new X86LabelRefs.Jmp(), unwind);
    }
}
