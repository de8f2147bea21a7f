/// Target-independent code generation: the [dev.ebpfc.backend.Target] contract every ISA
/// implements, [dev.ebpfc.backend.CompileOptions], the [dev.ebpfc.backend.CompiledProgram] it
/// produces (code, entry points, slot map, constant pool for the loader to patch, listing), and the
/// [dev.ebpfc.backend.CodeBuffer] with labels and branch relaxation. The compiled code's calling
/// convention is described in docs/native-abi.md.
package dev.ebpfc.backend;
