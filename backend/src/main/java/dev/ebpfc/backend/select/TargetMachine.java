package dev.ebpfc.backend.select;

import dev.ebpfc.backend.CompileOptions;
import dev.ebpfc.backend.CompiledProgram;
import dev.ebpfc.backend.regalloc.RegisterSet;
import dev.ebpfc.frontend.object.ProgramDef;

import java.util.List;
import java.util.Set;

/// What the shared -O2 pipeline ([OptimisingCompiler]) needs from one ISA: its registers and
/// calling convention (for the [Selector] and the allocator), and an emitter that turns allocated
/// machine functions into code.
///
/// ## The -O2 code layout (docs/native-abi.md, "-O2")
///
/// - **Entry stub** at `entryOffset`, C-callable as `prog(r1, r2, r10_top)`: saves the ABI's
///   callee-saved registers that any function of the program uses (the union of the
///   [dev.ebpfc.backend.regalloc.Allocation#usedCalleeSaved] sets) and the anchor register, keeps
///   the stack 16-byte aligned, sets the anchor to the stack pointer, stores the depth limit
///   `r10_top + MAX_FRAMES · frameStride` where [MOp.CheckDepth] finds it (e.g. `[anchor + 0]`),
///   then calls function 0 with r1, r2 in argument registers 0 and 1 and `r10_top` in argument
///   register [#FRAME_POINTER_ARG], and falls into the unwind path with function 0's result.
/// - **Unwind path** at `unwindOffset`: stack pointer = anchor, restore what the stub saved,
///   return the ABI return register (engines resume here to stop a run from inside a call).
/// - **Functions** (BPF functions in slot order, the entry first; `functionOffsets`, and
///   `slotOffsets` at each function's first slot, -1 elsewhere): ordinary functions of the local
///   convention: arguments in argument registers 0…n-1, the frame pointer (BPF r10) in argument
///   register [#FRAME_POINTER_ARG], result in the return register, the ABI's callee-saved registers
///   preserved (each function saves those its allocation uses), 16-byte aligned stack at every
///   call. Spill slots live in the function's machine frame. The anchor register is never
///   allocated and never changed after the stub.
public interface TargetMachine {
    /// The argument register index that carries a function's frame pointer (BPF r10).
    int FRAME_POINTER_ARG = 5;

    /// The target's name (`x86_64`, `arm64`, `riscv64`).
    String name();

    /// Allocatable registers (caller-saved first) and the emitter's scratch registers. The anchor,
    /// stack pointer and any register the emitter needs for itself must be in neither list.
    RegisterSet registers();

    /// Argument register `i` (0…5) of the C calling convention, as the ISA numbers registers.
    int argumentRegister(int i);

    /// The register a call returns its result in.
    int returnRegister();

    /// The registers any call may change: every caller-saved allocatable register, the argument
    /// and return registers included.
    Set<Integer> callClobbers();

    /// Registers `op` changes beyond its operands (x86_64 division: rax and rdx), so the allocator
    /// keeps values live across it elsewhere. Its own operands may still be given these registers
    /// (uses are read first; the emitter copies them out of the way).
    default Set<Integer> clobbers(MOp op) {
        return Set.of();
    }

    /// Emits the whole program: entry stub, every function (in the order given: slot order, the
    /// entry first), unwind path, out-of-line stubs and the constant pool.
    CompiledProgram emit(ProgramDef def, List<SelectedFunction> functions, CompileOptions options);
}
