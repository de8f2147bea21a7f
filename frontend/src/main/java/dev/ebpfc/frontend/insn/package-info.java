/// The eBPF instruction model (RFC 9669 plus the Linux extensions clang emits), as data.
///
/// Each instruction format is a record implementing the sealed [Insn] interface; opcode enums carry
/// their encoding bits and properties, so passes and codecs ask one table. Jump and call offsets are
/// kept as encoded (relative to the next 64-bit slot); a [Program] maps slots to instructions.
package dev.ebpfc.frontend.insn;
