package dev.ebpfc.backend.nativeexec;

import java.io.ByteArrayOutputStream;

/// The x86_64 glue between compiled code and a Java upcall stub, one per pool entry that calls
/// out (helpers, runtime entries). The FFM upcall stub can only return; stopping the program from
/// inside a helper (docs/native-abi.md, "Stopping from inside a call") needs a jump to the code's
/// unwind path after Java has returned, so every call goes through this trampoline:
///
/// ```
/// movabs r11, control           ; the engine's control block (see the offsets below)
/// mov    [r11+56], rbp          ; BPF r10 at the call: the helper learns the call depth
/// mov    r10, [rsp]
/// mov    [r11+64], r10          ; return address: the slot of the call, for messages
/// mov    qword [r11], 0         ; state = continue
/// push   rdi, rsi, rdx, rcx, r8 ; BPF r1–r5 survive the call, as in the interpreter (the
///                               ; helper-call trace records them at the next call); five
///                               ; pushes also realign rsp, which the caller's call left ≡ 8 (mod 16)
/// movabs r11, stub
/// call   r11                    ; Java (arguments still in rdi…r9)
/// pop    r8, rcx, rdx, rsi, rdi
/// movabs r11, control
/// cmp    qword [r11], 0
/// jne    1f
/// ret                           ; the usual case: r0 in rax
/// 1: cmp qword [r11], 1
/// jne    2f
/// jmp    [r11+48]               ; stop: to the program's unwind path (r12 still holds its anchor)
/// 2: mov rdi, [r11+8] … mov r8, [r11+40]
/// ret                           ; clobber: the helper asked for r1–r5 to change
/// ```
///
/// Leaving through the unwind path discards only compiled BPF frames (no Java frame is skipped:
/// the upcall has returned), and the unwind path restores every callee-saved register and rsp,
/// so the downcall returns normally. Encodings are written by hand (this module does not depend
/// on the x86_64 backend); NativeTrampolineTest checks them against objdump.
public final class X86HostTrampoline {
    private X86HostTrampoline() {
    }

    /// Control block offsets.
    public static final int STATE = 0, CLOBBER = 8, UNWIND = 48, R10 = 56, RETURN_ADDRESS = 64, SIZE = 72;
    /// States.
    public static final long CONTINUE = 0, STOP = 1, CLOBBER_ARGUMENTS = 2;

    public static byte[] encode(long control, long stub) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        movabsR11(b, control);
        bytes(b, 0x49, 0x89, 0x6B, R10);                 // mov [r11+56], rbp
        bytes(b, 0x4C, 0x8B, 0x14, 0x24);                // mov r10, [rsp]
        bytes(b, 0x4D, 0x89, 0x53, RETURN_ADDRESS);      // mov [r11+64], r10
        bytes(b, 0x49, 0xC7, 0x03, 0, 0, 0, 0);          // mov qword [r11], 0
        bytes(b, 0x57, 0x56, 0x52, 0x51, 0x41, 0x50);    // push rdi, rsi, rdx, rcx, r8
        movabsR11(b, stub);
        bytes(b, 0x41, 0xFF, 0xD3);                      // call r11
        bytes(b, 0x41, 0x58, 0x59, 0x5A, 0x5E, 0x5F);    // pop r8, rcx, rdx, rsi, rdi
        movabsR11(b, control);
        bytes(b, 0x49, 0x83, 0x3B, 0x00);                // cmp qword [r11], 0
        bytes(b, 0x75, 0x01);                            // jne +1
        bytes(b, 0xC3);                                  // ret
        bytes(b, 0x49, 0x83, 0x3B, 0x01);                // cmp qword [r11], 1
        bytes(b, 0x75, 0x04);                            // jne +4
        bytes(b, 0x41, 0xFF, 0x63, UNWIND);              // jmp [r11+48]
        bytes(b, 0x49, 0x8B, 0x7B, CLOBBER);             // mov rdi, [r11+8]
        bytes(b, 0x49, 0x8B, 0x73, CLOBBER + 8);         // mov rsi, [r11+16]
        bytes(b, 0x49, 0x8B, 0x53, CLOBBER + 16);        // mov rdx, [r11+24]
        bytes(b, 0x49, 0x8B, 0x4B, CLOBBER + 24);        // mov rcx, [r11+32]
        bytes(b, 0x4D, 0x8B, 0x43, CLOBBER + 32);        // mov r8, [r11+40]
        bytes(b, 0xC3);                                  // ret
        return b.toByteArray();
    }

    private static void movabsR11(ByteArrayOutputStream b, long v) {
        bytes(b, 0x49, 0xBB);
        for (int i = 0; i < 8; i++) b.write((int) (v >>> (8 * i)));
    }

    private static void bytes(ByteArrayOutputStream b, int... v) {
        for (int x : v) b.write(x);
    }
}
