/// Register allocation for [dev.ebpfc.backend.mir.MachineFunction]s: live intervals over the block
/// layout, a linear-scan allocator with the free-until heuristic, spilling to frame slots, and the
/// resolution of block-parameter copies on edges as parallel copies.
package dev.ebpfc.backend.regalloc;
