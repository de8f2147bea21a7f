/// The x86_64 code generator: the machine-instruction model ([X86Insn]), the encoder (three
/// layers: ModRM/SIB/REX formats, one method per instruction, the [X86Insn] switch), the AT&T
/// printer that GNU objdump is checked against, and the -O0 target: [X86Target] lowering BPF
/// instruction by instruction ([X86Lowering]) over a fixed register map ([X86RegisterMap]),
/// with [X86LabelRefs] giving the forms branch relaxation chooses between.
package dev.ebpfc.backend.x86_64;
