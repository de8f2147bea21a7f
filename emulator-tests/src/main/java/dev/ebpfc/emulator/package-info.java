/// Compiled BPF programs run under Unicorn: [dev.ebpfc.emulator.EmulatedEngine] is the
/// [dev.ebpfc.runtime.Engine] for any [dev.ebpfc.backend.Target] plus a small per-ISA
/// description ([dev.ebpfc.emulator.EmulatedIsa]: [dev.ebpfc.emulator.X86EmulatedIsa],
/// [dev.ebpfc.emulator.Arm64EmulatedIsa], [dev.ebpfc.emulator.Riscv64EmulatedIsa]), at -O0 and -O2.
/// The Unicorn binding itself is in the `unicorn` subpackage.
package dev.ebpfc.emulator;
