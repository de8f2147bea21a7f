package dev.ebpfc.emulator;

import dev.ebpfc.backend.Target;
import dev.ebpfc.emulator.unicorn.Unicorn;
import dev.ebpfc.emulator.unicorn.UnicornArch;
import dev.ebpfc.emulator.unicorn.UnicornReg;

/// What [EmulatedEngine] needs to know about one ISA beyond its [Target]: the Unicorn
/// architecture, the registers of the native calling convention, how a call returns to a
/// sentinel address, and the trap stubs that stand in for helpers. One implementation per ISA
/// (`X86EmulatedIsa`, later `Arm64EmulatedIsa`, `Riscv64EmulatedIsa`).
///
/// Trap stubs: every helper and runtime entry of the constant pool points at its own stub, `stubStride`
/// bytes apart; a stub traps into Java and then returns to its caller, so the compiled code calls
/// it exactly as it would call a native helper.
public interface EmulatedIsa {
    UnicornArch arch();

    /// The Unicorn CPU model to emulate (`uc_cpu_*` of the architecture's header), or -1 for
    /// Unicorn's default.
    default int cpuModel() {
        return -1;
    }

    /// The code generator whose output this describes.
    Target target();

    /// Argument registers of the native ABI, in order (at least six: r1–r5 and the helper id of
    /// `callx`; the first three carry `prog(r1, r2, r10_top)`).
    UnicornReg[] arguments();

    UnicornReg returnRegister();

    UnicornReg stackPointer();

    /// The machine register holding BPF register `n` (0–10) in the compiled code, to read r10 at
    /// a helper call (which frame is live) and to write the registers a helper clobbers.
    UnicornReg bpfRegister(int n);

    /// Registers to clear before each run, so that runs do not depend on earlier ones.
    UnicornReg[] clearedAtEntry();

    /// Where the engine puts the code, the trap stubs and the machine stack: outside every window
    /// of the shared memory layout, so a BPF pointer can never reach them by accident. By default
    /// at 0x7f00_0000_0000 and up (canonical x86_64 user addresses, inside ARM64's 48-bit space);
    /// an ISA whose emulated address space is smaller places them itself.
    default long codeBase() {
        return 0x7f00_0000_0000L;
    }

    default long stubBase() {
        return codeBase() + 0x10_0000_0000L;
    }

    default long stackBase() {
        return codeBase() + 0x20_0000_0000L;
    }

    /// 64 KiB of machine stack.
    default long stackSize() {
        return 0x10000;
    }

    /// Bytes of one trap stub, its first instruction the trap; at most `stubStride`.
    byte[] trapStub();

    /// Bytes between consecutive trap stubs.
    default int stubStride() {
        return 16;
    }

    /// Bytes of an instruction at the sentinel address the entry call returns to (never executed:
    /// emulation stops when the PC reaches it).
    byte[] sentinel();

    /// The address of the trap instruction that raised interrupt `intno`, or -1 when the interrupt
    /// is no stub trap.
    long trapAddress(Unicorn uc, int intno);

    /// Makes the emulated code return to `sentinel` when the entry function returns; `stackTop`
    /// is the 16-byte aligned top of the machine stack. Sets the stack pointer.
    void prepareReturn(Unicorn uc, long stackTop, long sentinel);

    /// Inside a stub: an address within the instruction that called it (to map to a BPF slot).
    long callSite(Unicorn uc);
}
