package dev.ebpfc.backend.select;

import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.regalloc.Allocation;

/// One BPF function after instruction selection and register allocation: its IR name, the
/// bytecode slot it starts at, its machine form (payloads are [MOp]s) and where each virtual
/// register lives.
public record SelectedFunction(String name, int slot, MachineFunction machine, Allocation allocation) {
}
