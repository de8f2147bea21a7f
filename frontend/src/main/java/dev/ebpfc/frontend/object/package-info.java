/// A loaded eBPF object: programs with their subprograms linked in, map definitions (global data
/// sections included, as single-entry array maps the way libbpf models them), license and source
/// line info. Produced by the ELF loader (and, for plain bytecode, by wrapping a [dev.ebpfc.frontend.insn.Program]);
/// consumed by the runtime, the lifter and the code generators.
///
/// Relocations are resolved into the kernel's own symbolic forms, so nothing downstream needs the
/// ELF: a map reference is `lddw dst, map_idx N`, an address inside a map value or global data
/// section is `lddw dst, map_idx_value N, OFFSET`, a call to another function is a local call with
/// a relative offset, a function address is `lddw dst, func OFFSET`.
package dev.ebpfc.frontend.object;
