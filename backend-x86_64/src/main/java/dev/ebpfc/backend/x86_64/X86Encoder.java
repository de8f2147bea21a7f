package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CodeBuffer;

import java.util.Arrays;

/// Encodes x86_64 instructions (Intel SDM Vol. 2) into a growing byte buffer, in three layers:
///  1. format functions: legacy prefixes, REX, ModRM, SIB and displacement;
///  2. one method per instruction form, named after it;
///  3. [#emit], the one switch from the [X86Insn] model to layer 2, choosing short forms.
public final class X86Encoder implements CodeBuffer.Encoder<X86Insn> {
    private byte[] code = new byte[256];
    private int size;

    @Override
    public int position() {
        return size;
    }

    @Override
    public byte[] toByteArray() {
        return Arrays.copyOf(code, size);
    }

    // ---- layer 1: formats ------------------------------------------------------------------

    private void byte1(int b) {
        if (size == code.length) code = Arrays.copyOf(code, code.length * 2);
        code[size++] = (byte) b;
    }

    private void imm16(int v) {
        byte1(v);
        byte1(v >>> 8);
    }

    private void imm32(int v) {
        byte1(v);
        byte1(v >>> 8);
        byte1(v >>> 16);
        byte1(v >>> 24);
    }

    private void imm64(long v) {
        imm32((int) v);
        imm32((int) (v >>> 32));
    }

    /// The operand-size override 0x66 for 16-bit operations (SDM Vol. 2 §2.1.1).
    private void sizePrefix(OpSize s) {
        if (s == OpSize.W) byte1(0x66);
    }

    /// REX = `0100WRXB` (SDM Vol. 2 §2.2.1). Emitted when any bit is set or when a byte operand
    /// names spl/bpl/sil/dil (`forceForBytes`).
    private void rex(boolean w, int reg, int rm, boolean forceForBytes) {
        int r = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1);
        if (r != 0x40 || forceForBytes) byte1(r);
    }

    /// ModRM with mod = 11: register direct.
    ///   7 6 | 5 4 3 | 2 1 0
    ///   mod |  reg  |  r/m
    private void modrmDirect(int reg, int rm) {
        byte1(0xc0 | (reg & 7) << 3 | (rm & 7));
    }

    /// ModRM (+SIB, +disp) for `disp(base)`. rsp/r12 as base need a SIB byte (r/m = 100 means
    /// "SIB follows"); rbp/r13 with mod = 00 would mean RIP-relative/no base, so they take disp8 0.
    private void modrmMem(int reg, X86Mem m) {
        int base = m.base().low3();
        int mod;
        if (m.disp() == 0 && base != 5) mod = 0;
        else if (m.disp() == (byte) m.disp()) mod = 1;
        else mod = 2;
        byte1(mod << 6 | (reg & 7) << 3 | base);
        if (base == 4) byte1(0x24); // SIB: scale 1, no index (100), base rsp/r12
        if (mod == 1) byte1(m.disp());
        else if (mod == 2) imm32(m.disp());
    }

    private static boolean fitsInt8(long v) {
        return v == (byte) v;
    }

    private static boolean fitsInt32(long v) {
        return v == (int) v;
    }

    /// Opcode for the byte form or the full-size form (`op` is the byte form; full size is op + 1).
    private void opSized(OpSize s, int byteOp) {
        byte1(s == OpSize.B ? byteOp : byteOp + 1);
    }

    private void regReg(OpSize s, int byteOp, X86Reg reg, X86Reg rm) {
        sizePrefix(s);
        rex(s == OpSize.Q, reg.number(), rm.number(), s == OpSize.B && (reg.byteNeedsRex() || rm.byteNeedsRex()));
        opSized(s, byteOp);
        modrmDirect(reg.number(), rm.number());
    }

    private void regMem(OpSize s, int byteOp, X86Reg reg, X86Mem m) {
        sizePrefix(s);
        rex(s == OpSize.Q, reg.number(), m.base().number(), s == OpSize.B && reg.byteNeedsRex());
        opSized(s, byteOp);
        modrmMem(reg.number(), m);
    }

    /// An immediate of the operand size (imm8/imm16/imm32; 64-bit operations take a sign-extended imm32).
    private void immSized(OpSize s, int imm) {
        switch (s) {
            case B -> byte1(imm);
            case W -> imm16(imm);
            case L, Q -> imm32(imm);
        }
    }

    // ---- layer 2: one method per instruction form ------------------------------------------

    /// ADD..CMP r/m, r (SDM "ADD": 00 /r, 01 /r; the group's opcodes are code*8 + 0/1).
    public void aluRR(X86Insn.AluOp op, OpSize s, X86Reg dst, X86Reg src) {
        regReg(s, op.code() << 3, src, dst);
    }

    /// ADD..CMP r/m, imm (80 /op ib, 81 /op iz, 83 /op ib sign-extended).
    public void aluRI(X86Insn.AluOp op, OpSize s, X86Reg dst, int imm) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, dst.number(), s == OpSize.B && dst.byteNeedsRex());
        if (s == OpSize.B) {
            byte1(0x80);
            modrmDirect(op.code(), dst.number());
            byte1(imm);
        } else if (fitsInt8(imm)) {
            byte1(0x83);
            modrmDirect(op.code(), dst.number());
            byte1(imm);
        } else {
            byte1(0x81);
            modrmDirect(op.code(), dst.number());
            immSized(s, imm);
        }
    }

    /// ADD..CMP r, r/m with a memory operand (02 /r, 03 /r: the group's opcodes code*8 + 2/3).
    public void aluRM(X86Insn.AluOp op, OpSize s, X86Reg dst, X86Mem src) {
        regMem(s, (op.code() << 3) + 2, dst, src);
    }

    /// ADD..CMP m, imm (80 /op ib, 81 /op iz, 83 /op ib sign-extended).
    public void aluMI(X86Insn.AluOp op, OpSize s, X86Mem dst, int imm) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, dst.base().number(), false);
        if (s == OpSize.B) {
            byte1(0x80);
            modrmMem(op.code(), dst);
            byte1(imm);
        } else if (fitsInt8(imm)) {
            byte1(0x83);
            modrmMem(op.code(), dst);
            byte1(imm);
        } else {
            byte1(0x81);
            modrmMem(op.code(), dst);
            immSized(s, imm);
        }
    }

    /// TEST r/m, r (84 /r, 85 /r).
    public void testRR(OpSize s, X86Reg a, X86Reg b) {
        regReg(s, 0x84, b, a);
    }

    /// TEST r/m, imm (F6 /0 ib, F7 /0 iz).
    public void testRI(OpSize s, X86Reg a, int imm) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, a.number(), s == OpSize.B && a.byteNeedsRex());
        opSized(s, 0xf6);
        modrmDirect(0, a.number());
        immSized(s, imm);
    }

    /// MOV r/m, r (88 /r, 89 /r).
    public void movRR(OpSize s, X86Reg dst, X86Reg src) {
        regReg(s, 0x88, src, dst);
    }

    /// MOV r32, imm32 (B8+rd id): zero-extends into the full register.
    public void movR32I(X86Reg dst, int imm) {
        rex(false, 0, dst.number(), false);
        byte1(0xb8 + dst.low3());
        imm32(imm);
    }

    /// MOV r/m64, simm32 (REX.W C7 /0 id).
    public void movR64SignExtendedI(X86Reg dst, int imm) {
        rex(true, 0, dst.number(), false);
        byte1(0xc7);
        modrmDirect(0, dst.number());
        imm32(imm);
    }

    /// MOVABS r64, imm64 (REX.W B8+rd io).
    public void movabs(X86Reg dst, long imm) {
        rex(true, 0, dst.number(), false);
        byte1(0xb8 + dst.low3());
        imm64(imm);
    }

    /// MOV r8/r16, imm (B0+rb ib, 66 B8+rw iw).
    public void movRSmallI(OpSize s, X86Reg dst, int imm) {
        sizePrefix(s);
        rex(false, 0, dst.number(), s == OpSize.B && dst.byteNeedsRex());
        byte1((s == OpSize.B ? 0xb0 : 0xb8) + dst.low3());
        immSized(s, imm);
    }

    /// MOV / MOVZX / MOVSX / MOVSXD from memory (8B /r; 0F B6, 0F B7, 0F BE, 0F BF; 63 /r).
    public void load(X86Insn.Extend kind, X86Reg dst, X86Mem src) {
        extendPrefix(kind, dst.number(), src.base().number(), false);
        modrmMem(dst.number(), src);
    }

    /// MOVZX / MOVSX / MOVSXD between registers.
    public void extendRR(X86Insn.Extend kind, X86Reg dst, X86Reg src) {
        extendPrefix(kind, dst.number(), src.number(), kind.from == OpSize.B && src.byteNeedsRex());
        modrmDirect(dst.number(), src.number());
    }

    private void extendPrefix(X86Insn.Extend kind, int reg, int rm, boolean forceRex) {
        rex(kind.to == OpSize.Q, reg, rm, forceRex);
        switch (kind) {
            case MOVL, MOVQ -> byte1(0x8b);
            case MOVSLQ -> byte1(0x63);
            default -> {
                byte1(0x0f);
                byte1((kind.signed ? 0xbe : 0xb6) + (kind.from == OpSize.W ? 1 : 0));
            }
        }
    }

    /// MOV m, r (88 /r, 89 /r).
    public void store(OpSize s, X86Mem dst, X86Reg src) {
        regMem(s, 0x88, src, dst);
    }

    /// MOV m, imm (C6 /0 ib, C7 /0 iz; 64-bit sign-extends imm32).
    public void storeImm(OpSize s, X86Mem dst, int imm) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, dst.base().number(), false);
        opSized(s, 0xc6);
        modrmMem(0, dst);
        immSized(s, imm);
    }

    /// Shift by imm8 (C1 /op ib), or by one (D1 /op).
    public void shiftRI(X86Insn.ShiftOp op, OpSize s, X86Reg dst, int count) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, dst.number(), s == OpSize.B && dst.byteNeedsRex());
        if (count == 1) {
            opSized(s, 0xd0);
            modrmDirect(op.code, dst.number());
        } else {
            opSized(s, 0xc0);
            modrmDirect(op.code, dst.number());
            byte1(count);
        }
    }

    /// Shift by cl (D3 /op).
    public void shiftRCl(X86Insn.ShiftOp op, OpSize s, X86Reg dst) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, dst.number(), s == OpSize.B && dst.byteNeedsRex());
        opSized(s, 0xd2);
        modrmDirect(op.code, dst.number());
    }

    /// NOT/NEG/MUL/IMUL/DIV/IDIV r/m (F6/F7 /op).
    public void unary(X86Insn.UnaryOp op, OpSize s, X86Reg reg) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, reg.number(), s == OpSize.B && reg.byteNeedsRex());
        opSized(s, 0xf6);
        modrmDirect(op.code, reg.number());
    }

    /// IMUL r, r/m (0F AF /r).
    public void imulRR(OpSize s, X86Reg dst, X86Reg src) {
        sizePrefix(s);
        rex(s == OpSize.Q, dst.number(), src.number(), false);
        byte1(0x0f);
        byte1(0xaf);
        modrmDirect(dst.number(), src.number());
    }

    /// IMUL r, r/m, imm (6B /r ib, 69 /r iz).
    public void imulRRI(OpSize s, X86Reg dst, X86Reg src, int imm) {
        sizePrefix(s);
        rex(s == OpSize.Q, dst.number(), src.number(), false);
        byte1(fitsInt8(imm) ? 0x6b : 0x69);
        modrmDirect(dst.number(), src.number());
        if (fitsInt8(imm)) byte1(imm);
        else immSized(s, imm);
    }

    /// CWD/CDQ/CQO (99): sign-extend the accumulator into rdx.
    public void signExtendAccumulator(OpSize s) {
        sizePrefix(s);
        rex(s == OpSize.Q, 0, 0, false);
        byte1(0x99);
    }

    /// BSWAP r32/r64 (0F C8+rd).
    public void bswap(OpSize s, X86Reg reg) {
        rex(s == OpSize.Q, 0, reg.number(), false);
        byte1(0x0f);
        byte1(0xc8 + reg.low3());
    }

    /// LOCK ADD/OR/AND/XOR m, r (F0 prefix, SDM Vol. 2 "LOCK").
    public void lockAlu(X86Insn.AluOp op, OpSize s, X86Mem dst, X86Reg src) {
        byte1(0xf0);
        regMem(s, op.code() << 3, src, dst);
    }

    /// LOCK XADD m, r (F0 0F C0/C1 /r).
    public void lockXadd(OpSize s, X86Mem dst, X86Reg src) {
        byte1(0xf0);
        sizePrefix(s);
        rex(s == OpSize.Q, src.number(), dst.base().number(), s == OpSize.B && src.byteNeedsRex());
        byte1(0x0f);
        opSized(s, 0xc0);
        modrmMem(src.number(), dst);
    }

    /// XCHG m, r (86/87 /r), locked by the processor.
    public void xchg(OpSize s, X86Mem dst, X86Reg src) {
        regMem(s, 0x86, src, dst);
    }

    /// LOCK CMPXCHG m, r (F0 0F B0/B1 /r).
    public void lockCmpxchg(OpSize s, X86Mem dst, X86Reg src) {
        byte1(0xf0);
        sizePrefix(s);
        rex(s == OpSize.Q, src.number(), dst.base().number(), s == OpSize.B && src.byteNeedsRex());
        byte1(0x0f);
        opSized(s, 0xb0);
        modrmMem(src.number(), dst);
    }

    /// LEA r64, m (REX.W 8D /r).
    public void lea(X86Reg dst, X86Mem src) {
        rex(true, dst.number(), src.base().number(), false);
        byte1(0x8d);
        modrmMem(dst.number(), src);
    }

    /// JMP rel8 (EB cb) / rel32 (E9 cd) to byte offset `target`.
    public void jmp(int target, boolean near) {
        if (near) {
            byte1(0xe9);
            imm32(target - (size + 4));
        } else {
            byte1(0xeb);
            byte1(checkRel8(target - (size + 1)));
        }
    }

    /// Jcc rel8 (70+cc cb) / rel32 (0F 80+cc cd).
    public void jcc(X86Cond c, int target, boolean near) {
        if (near) {
            byte1(0x0f);
            byte1(0x80 + c.code());
            imm32(target - (size + 4));
        } else {
            byte1(0x70 + c.code());
            byte1(checkRel8(target - (size + 1)));
        }
    }

    private static int checkRel8(int rel) {
        if (!fitsInt8(rel)) throw new IllegalArgumentException("rel8 out of range: " + rel);
        return rel;
    }

    /// CALL rel32 (E8 cd).
    public void call(int target) {
        byte1(0xe8);
        imm32(target - (size + 4));
    }

    /// CALL r/m64 (FF /2).
    public void callR(X86Reg reg) {
        rex(false, 0, reg.number(), false);
        byte1(0xff);
        modrmDirect(2, reg.number());
    }

    /// MOV r64, m64 with RIP-relative addressing (REX.W 8B /r, ModRM mod = 00, r/m = 101: disp32
    /// from the end of the instruction; SDM Vol. 2 §2.2.1.6).
    public void loadRip(X86Reg dst, int target) {
        rex(true, dst.number(), 0, false);
        byte1(0x8b);
        byte1(0x05 | dst.low3() << 3);
        imm32(target - (size + 4));
    }

    /// CALL m64 with RIP-relative addressing (FF /2, mod = 00, r/m = 101).
    public void callRip(int target) {
        byte1(0xff);
        byte1(0x15);
        imm32(target - (size + 4));
    }

    /// RET (C3).
    public void ret() {
        byte1(0xc3);
    }

    /// PUSH r64 (50+rd).
    public void push(X86Reg reg) {
        rex(false, 0, reg.number(), false);
        byte1(0x50 + reg.low3());
    }

    /// POP r64 (58+rd).
    public void pop(X86Reg reg) {
        rex(false, 0, reg.number(), false);
        byte1(0x58 + reg.low3());
    }

    /// SETcc r/m8 (0F 90+cc /0).
    public void setcc(X86Cond c, X86Reg reg) {
        rex(false, 0, reg.number(), reg.byteNeedsRex());
        byte1(0x0f);
        byte1(0x90 + c.code());
        modrmDirect(0, reg.number());
    }

    /// CMOVcc r, r/m (0F 40+cc /r).
    public void cmov(X86Cond c, OpSize s, X86Reg dst, X86Reg src) {
        sizePrefix(s);
        rex(s == OpSize.Q, dst.number(), src.number(), false);
        byte1(0x0f);
        byte1(0x40 + c.code());
        modrmDirect(dst.number(), src.number());
    }

    // ---- layer 3: the model ----------------------------------------------------------------

    /// Encodes one instruction at the current position.
    @Override
    public void emit(X86Insn insn) {
        switch (insn) {
            case X86Insn.AluRR a -> aluRR(a.op(), a.size(), a.dst(), a.src());
            case X86Insn.AluRI a -> aluRI(a.op(), a.size(), a.dst(), a.imm());
            case X86Insn.AluRM a -> aluRM(a.op(), a.size(), a.dst(), a.src());
            case X86Insn.AluMI a -> aluMI(a.op(), a.size(), a.dst(), a.imm());
            case X86Insn.TestRR t -> testRR(t.size(), t.a(), t.b());
            case X86Insn.TestRI t -> testRI(t.size(), t.a(), t.imm());
            case X86Insn.MovRR m -> movRR(m.size(), m.dst(), m.src());
            case X86Insn.MovRI m -> movConstant(m.size(), m.dst(), m.imm());
            case X86Insn.Load l -> load(l.kind(), l.dst(), l.src());
            case X86Insn.ExtendRR e -> extendRR(e.kind(), e.dst(), e.src());
            case X86Insn.Store s -> store(s.size(), s.dst(), s.src());
            case X86Insn.StoreImm s -> storeImm(s.size(), s.dst(), s.imm());
            case X86Insn.ShiftRI s -> shiftRI(s.op(), s.size(), s.dst(), s.count());
            case X86Insn.ShiftRCl s -> shiftRCl(s.op(), s.size(), s.dst());
            case X86Insn.Unary u -> unary(u.op(), u.size(), u.reg());
            case X86Insn.ImulRR m -> imulRR(m.size(), m.dst(), m.src());
            case X86Insn.ImulRRI m -> imulRRI(m.size(), m.dst(), m.src(), m.imm());
            case X86Insn.SignExtendAccumulator s -> signExtendAccumulator(s.size());
            case X86Insn.Bswap b -> bswap(b.size(), b.reg());
            case X86Insn.LockAlu l -> lockAlu(l.op(), l.size(), l.dst(), l.src());
            case X86Insn.LockXadd l -> lockXadd(l.size(), l.dst(), l.src());
            case X86Insn.Xchg x -> xchg(x.size(), x.dst(), x.src());
            case X86Insn.LockCmpxchg c -> lockCmpxchg(c.size(), c.dst(), c.src());
            case X86Insn.Lea l -> lea(l.dst(), l.src());
            case X86Insn.Jmp j -> jmp(j.target(), j.near());
            case X86Insn.Jcc j -> jcc(j.cond(), j.target(), j.near());
            case X86Insn.Call c -> call(c.target());
            case X86Insn.CallR c -> callR(c.reg());
            case X86Insn.LoadRip l -> loadRip(l.dst(), l.target());
            case X86Insn.CallRip c -> callRip(c.target());
            case X86Insn.Ret r -> ret();
            case X86Insn.Push p -> push(p.reg());
            case X86Insn.Pop p -> pop(p.reg());
            case X86Insn.Setcc s -> setcc(s.cond(), s.reg());
            case X86Insn.Cmov c -> cmov(c.cond(), c.size(), c.dst(), c.src());
        }
    }

    /// The shortest encoding of a constant load (see [X86Insn.MovRI]).
    private void movConstant(OpSize s, X86Reg dst, long imm) {
        switch (s) {
            case B, W -> movRSmallI(s, dst, (int) imm);
            case L -> movR32I(dst, (int) imm);
            case Q -> {
                if (imm >= 0 && imm <= 0xffffffffL) movR32I(dst, (int) imm);
                else if (fitsInt32(imm)) movR64SignExtendedI(dst, (int) imm);
                else movabs(dst, imm);
            }
        }
    }
}
