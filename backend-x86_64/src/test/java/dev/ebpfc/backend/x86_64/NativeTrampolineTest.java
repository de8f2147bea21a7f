package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.nativeexec.X86HostTrampoline;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/// The hand-encoded host trampoline of native execution, disassembled by GNU objdump: every
/// instruction as its doc comment draws it.
class NativeTrampolineTest {
    @Test
    void objdumpReadsTheDocumentedSequence() throws Exception {
        Map<Integer, String> dis = new TreeMap<>(X86ObjdumpOracleTest.objdump(X86HostTrampoline.encode(0x1122334455667788L, 0x99aabbccddeeffL)));
        assertEquals(List.of(
                "movabs $0x1122334455667788,%r11", "mov %rbp,0x38(%r11)", "mov (%rsp),%r10", "mov %r10,0x40(%r11)", "movq $0x0,(%r11)",
                "push %rdi", "push %rsi", "push %rdx", "push %rcx", "push %r8", "movabs $0x99aabbccddeeff,%r11", "call *%r11",
                "pop %r8", "pop %rcx", "pop %rdx", "pop %rsi", "pop %rdi", "movabs $0x1122334455667788,%r11", "cmpq $0x0,(%r11)",
                "jne 0x47", "ret", "cmpq $0x1,(%r11)", "jne 0x51", "jmp *0x30(%r11)", "mov 0x8(%r11),%rdi", "mov 0x10(%r11),%rsi",
                "mov 0x18(%r11),%rdx", "mov 0x20(%r11),%rcx", "mov 0x28(%r11),%r8", "ret"),
                List.copyOf(dis.values()));
    }
}
