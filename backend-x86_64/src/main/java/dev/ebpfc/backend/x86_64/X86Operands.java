package dev.ebpfc.backend.x86_64;

import dev.ebpfc.backend.CodeBuffer;
import dev.ebpfc.backend.mir.MachineBlock;
import dev.ebpfc.backend.mir.MachineFunction;
import dev.ebpfc.backend.mir.MachineInst;
import dev.ebpfc.backend.mir.Reg;
import dev.ebpfc.backend.select.MOp;
import dev.ebpfc.backend.select.ValueWidths;
import dev.ebpfc.backend.select.TargetMachine;
import dev.ebpfc.backend.regalloc.Allocation;
import dev.ebpfc.backend.regalloc.Location;

import java.util.BitSet;

/// Where the operands of one -O2 function live, and the moves between those places: a register
/// of the allocation, or spill slot `n` at `[rsp + 8n]` (the function's frame; rsp does not move
/// inside a function body). Spilled operands are read into a scratch register and results bound
/// for a slot are computed in one and stored.
///
/// The function's frame pointer (argument register 5 on entry) and its copies are read from rbp,
/// which holds the same value for the whole body ([X86Machine]): the allocator often spills that
/// long-lived value, and a read of rbp costs no reload. Their definitions still store them where
/// they were allocated, so edge copies that read the allocated place stay right.
final class X86Operands {
    private final CodeBuffer<X86Insn> buf;
    private final Allocation alloc;
    private final BitSet framePointers;
    /// Bits of each virtual register's value that may be non-zero ([ValueWidths]).
    private final int[] widths;
    private final BitSet edgeArguments = new BitSet();

    X86Operands(CodeBuffer<X86Insn> buf, Allocation alloc, MachineFunction mf) {
        this.buf = buf;
        this.alloc = alloc;
        this.framePointers = framePointers(mf);
        this.widths = ValueWidths.of(mf);
        for (MachineBlock b : mf.blocks()) {
            for (MachineBlock.Edge e : b.succs()) for (Reg r : e.args()) if (r instanceof Reg.VReg v) edgeArguments.set(v.id());
        }
    }

    /// Whether `v` is a frame-pointer copy no edge passes on: every read of it reads rbp, so
    /// its allocated place is never read and its definition can be left out.
    boolean readOnlyFromFrame(Reg.VReg v) {
        return framePointers.get(v.id()) && !edgeArguments.get(v.id());
    }

    /// Whether any of the frame-pointer registers is in `read` (then the function must set rbp).
    boolean readsFramePointer(BitSet read) {
        return framePointers.intersects(read);
    }

    /// Whether `r`'s bits 32–63 are known to be 0 (so truncating it to 32 bits changes nothing).
    boolean zeroExtended(Reg r) {
        return r instanceof Reg.VReg v && widths[v.id()] <= 32;
    }

    /// The virtual registers holding the frame pointer: the copy of the `Params` frame-pointer
    /// register, and copies of those (SSA: one definition each, so a fixpoint over copies).
    private static BitSet framePointers(MachineFunction mf) {
        BitSet fp = new BitSet();
        int fpArg = X86Machine.ARGUMENTS[TargetMachine.FRAME_POINTER_ARG].number();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (MachineBlock b : mf.blocks()) {
                for (MachineInst i : b.insts()) {
                    if (!i.isMove() || !(i.operands().get(0).reg() instanceof Reg.VReg d) || fp.get(d.id())) continue;
                    Reg src = i.operands().get(1).reg();
                    boolean fromEntry = b.id() == 0 && src instanceof Reg.PReg(int n) && n == fpArg && paramsDefine(b, n);
                    if (fromEntry || src instanceof Reg.VReg v && fp.get(v.id())) {
                        fp.set(d.id());
                        changed = true;
                    }
                }
            }
        }
        return fp;
    }

    /// Whether `b` starts with the `Params` that defines physical register `n` (the only way
    /// argument register 5 is defined in block 0 before a call rewrites it).
    private static boolean paramsDefine(MachineBlock b, int n) {
        return !b.insts().isEmpty() && b.insts().getFirst().op() instanceof MOp.Params
                && b.insts().getFirst().operands().stream().anyMatch(o -> o.reg() instanceof Reg.PReg(int p) && p == n);
    }

    /// Where to read `r` from: rbp for the frame pointer, else its allocated place.
    private Location source(Reg r) {
        if (r instanceof Reg.VReg v && framePointers.get(v.id())) return new Location.InReg(X86Machine.FRAME.number());
        return alloc.of(r);
    }

    static X86Mem slot(int n) {
        return new X86Mem(X86Reg.RSP, 8 * n);
    }

    static X86Reg reg(int number) {
        return X86Reg.values()[number];
    }

    /// The allocated place of `r` (where its definition writes it).
    Location location(Reg r) {
        return alloc.of(r);
    }

    /// Where a use of `r` reads it ([#source]).
    Location use(Reg r) {
        return source(r);
    }

    /// The register holding `r` (rbp for the frame pointer), or null when it is spilled.
    X86Reg regOf(Reg r) {
        return source(r) instanceof Location.InReg(int n) ? reg(n) : null;
    }

    /// The slot `r` is spilled to, or null when it lives in a register.
    X86Mem slotOf(Reg r) {
        return source(r) instanceof Location.InSlot(int n) ? slot(n) : null;
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
        move(new Location.InReg(dst.number()), source(r), X86Machine.SCRATCH2);
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
