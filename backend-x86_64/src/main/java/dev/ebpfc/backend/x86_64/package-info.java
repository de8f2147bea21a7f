/// The x86_64 code generator. So far: the machine-instruction model ([X86Insn]), the encoder
/// (three layers: ModRM/SIB/REX formats, one method per instruction, the [X86Insn] switch) and the
/// AT&T printer that GNU objdump is checked against. Lowering from the IR comes with the backend issue.
package dev.ebpfc.backend.x86_64;
