package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.Location;

/// Where the operands of one -O2 function live, and the moves between those places: a register
/// of the allocation, or spill slot `n` at `[rsp + 8n]` (the function's frame; rsp does not move
/// inside a function body). Spilled operands are read into a scratch register and results bound
/// for a slot are computed in one and stored.
final class X86Operands {
    private final CodeBuffer<X86Insn> buf;
    private final Allocation alloc;

    X86Operands(CodeBuffer<X86Insn> buf, Allocation alloc) {
        this.buf = buf;
        this.alloc = alloc;
    }

    static X86Mem slot(int n) {
        return new X86Mem(X86Reg.RSP, 8 * n);
    }

    static X86Reg reg(int number) {
        return X86Reg.values()[number];
    }

    Location location(Reg r) {
        return alloc.of(r);
    }

    /// The register `r` lives in, or null when it is spilled.
    X86Reg regOf(Reg r) {
        return alloc.of(r) instanceof Location.InReg(int n) ? reg(n) : null;
    }

    /// The slot `r` is spilled to, or null when it lives in a register.
    X86Mem slotOf(Reg r) {
        return alloc.of(r) instanceof Location.InSlot(int n) ? slot(n) : null;
    }

    /// A register holding `r`'s value: its own, or `scratch` loaded from its slot.
    X86Reg read(Reg r, X86Reg scratch) {
        X86Reg in = regOf(r);
        if (in != null) return in;
        load(scratch, r);
        return scratch;
    }

    /// `dst = r` (all 64 bits), nothing when `r` already lives in `dst`.
    void load(X86Reg dst, Reg r) {
        move(new Location.InReg(dst.number()), alloc.of(r), X86Machine.SCRATCH2);
    }

    /// Where to compute `d`: its register, or `scratch` when it is spilled (then [#commit]).
    X86Reg target(Reg d, X86Reg scratch) {
        X86Reg in = regOf(d);
        return in != null ? in : scratch;
    }

    /// Stores the value computed in `from` to `d`'s home (a move when `d` lives elsewhere).
    void commit(Reg d, X86Reg from) {
        move(alloc.of(d), new Location.InReg(from.number()), X86Machine.SCRATCH2);
    }

    /// One 64-bit move between any two places; slot to slot goes through `via`.
    void move(Location dst, Location src, X86Reg via) {
        if (dst.equals(src)) return;
        switch (dst) {
            case Location.InReg(int d) -> {
                switch (src) {
                    case Location.InReg(int s) -> buf.emit(new X86Insn.MovRR(OpSize.Q, reg(d), reg(s)));
                    case Location.InSlot(int s) -> buf.emit(new X86Insn.Load(X86Insn.Extend.MOVQ, reg(d), slot(s)));
                }
            }
            case Location.InSlot(int d) -> {
                switch (src) {
                    case Location.InReg(int s) -> buf.emit(new X86Insn.Store(OpSize.Q, slot(d), reg(s)));
                    case Location.InSlot(int s) -> {
                        buf.emit(new X86Insn.Load(X86Insn.Extend.MOVQ, via, slot(s)));
                        buf.emit(new X86Insn.Store(OpSize.Q, slot(d), via));
                    }
                }
            }
        }
    }
}
