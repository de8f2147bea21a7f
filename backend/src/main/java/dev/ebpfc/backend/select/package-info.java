/// The -O2 code generator every target shares: [dev.ebpfc.backend.select.OptimisingCompiler]
/// (lift, optimise, select, allocate, emit), the target-independent machine operations
/// [dev.ebpfc.backend.select.MOp] the [dev.ebpfc.backend.select.Selector] produces, and the
/// [dev.ebpfc.backend.select.TargetMachine] contract each ISA implements.
package dev.ebpfc.backend.select;
