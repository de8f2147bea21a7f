package dev.ebpfc.frontend.testing;

import dev.ebpfc.frontend.insn.AluOp;
import dev.ebpfc.frontend.insn.AtomicOp;
import dev.ebpfc.frontend.insn.CallKind;
import dev.ebpfc.frontend.insn.Cond;
import dev.ebpfc.frontend.insn.EndianOp;
import dev.ebpfc.frontend.insn.Imm;
import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.LddwSource;
import dev.ebpfc.frontend.insn.Operand;
import dev.ebpfc.frontend.insn.PacketMode;
import dev.ebpfc.frontend.insn.Program;
import dev.ebpfc.frontend.insn.Reg;
import dev.ebpfc.frontend.insn.Size;
import dev.ebpfc.frontend.insn.Width;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/// A seeded generator of valid instructions of every record type, with field values drawn from
/// their whole range and biased towards edges (0, ±1, MIN, MAX), and of whole programs whose
/// branches land on instruction starts. Same seed, same sequence.
public final class InsnGenerator {
    /// The instruction records, so callers can ask for one of each.
    public enum Kind { ALU, ENDIAN, LOAD, STORE, ATOMIC, LDDW, PACKET, JUMP, GOTO, CALL, CALLX, EXIT }

    private final SplittableRandom random;

    public InsnGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public Kind kind() {
        return Kind.values()[random.nextInt(Kind.values().length)];
    }

    public Insn next() {
        return next(kind());
    }

    /// One instruction of `kind`; branch offsets are arbitrary (see [#program] for valid targets).
    public Insn next(Kind kind) {
        return switch (kind) {
            case ALU -> alu();
            case ENDIAN -> new Insn.Endian(pick(EndianOp.values()), pick(new Integer[] {16, 32, 64}), reg());
            case LOAD -> {
                Size size = pick(Size.values());
                yield new Insn.Load(size, size != Size.DW && random.nextBoolean(), reg(), reg(), s16());
            }
            case STORE -> new Insn.Store(pick(Size.values()), reg(), s16(), random.nextBoolean() ? reg() : new Imm(s32()));
            case ATOMIC -> {
                AtomicOp op = pick(AtomicOp.values());
                yield new Insn.Atomic(random.nextBoolean() ? Size.W : Size.DW, op, op.requiresFetch() || random.nextBoolean(), reg(), s16(), reg());
            }
            case LDDW -> {
                LddwSource source = random.nextInt(3) == 0 ? pick(LddwSource.values()) : LddwSource.IMM64;
                int next = source == LddwSource.IMM64 || source.hasValueOffset() ? s32() : 0;
                yield new Insn.LoadImm64(reg(), source, s32(), next);
            }
            case PACKET -> {
                Size size = pick(new Size[] {Size.B, Size.H, Size.W});
                yield random.nextBoolean()
                        ? new Insn.LoadPacket(size, PacketMode.ABS, null, s32())
                        : new Insn.LoadPacket(size, PacketMode.IND, reg(), s32());
            }
            case JUMP -> new Insn.Jump(width(), pick(Cond.values()), reg(), random.nextBoolean() ? reg() : new Imm(s32()), s16());
            case GOTO -> random.nextBoolean() ? new Insn.Goto(s16(), false) : new Insn.Goto(s32(), true);
            case CALL -> {
                CallKind k = pick(CallKind.values());
                yield new Insn.Call(k, s32(), k == CallKind.KFUNC ? s16() : 0);
            }
            case CALLX -> new Insn.CallIndirect(reg());
            case EXIT -> new Insn.Exit();
        };
    }

    /// A program of `n` instructions whose jumps, `gotol`s, local calls and function addresses
    /// all land on instruction starts.
    public Program program(int n) {
        List<Insn> raw = new ArrayList<>();
        for (int i = 0; i < n; i++) raw.add(next());
        int[] slotOf = new int[n];
        int slots = 0;
        for (int i = 0; i < n; i++) {
            slotOf[i] = slots;
            slots += raw.get(i).slots();
        }
        List<Insn> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Insn insn = raw.get(i);
            int target = slotOf[random.nextInt(n)];
            int rel = target - (slotOf[i] + 1);
            out.add(switch (insn) {
                case Insn.Jump j -> new Insn.Jump(j.width(), j.cond(), j.dst(), j.src(), (short) rel);
                case Insn.Goto g -> new Insn.Goto(rel, g.wide());
                case Insn.Call c when c.kind() == CallKind.LOCAL -> new Insn.Call(CallKind.LOCAL, rel);
                case Insn.LoadImm64 l when l.source() == LddwSource.FUNC -> new Insn.LoadImm64(l.dst(), l.source(), rel, 0);
                default -> insn;
            });
        }
        return new Program(out);
    }

    private Insn alu() {
        AluOp op = pick(AluOp.values());
        Width w = width();
        if (op == AluOp.MOVSX32 && w == Width.W32) w = Width.W64;
        if (op == AluOp.NEG) return new Insn.Alu(w, op, reg(), Imm.ZERO);
        if (op.isMovsx()) return new Insn.Alu(w, op, reg(), reg());
        Operand src = random.nextBoolean() ? reg() : new Imm(s32());
        return new Insn.Alu(w, op, reg(), src);
    }

    public Reg reg() {
        return Reg.of(random.nextInt(11));
    }

    public Width width() {
        return random.nextBoolean() ? Width.W32 : Width.W64;
    }

    /// A 32-bit value, edges a quarter of the time.
    public int s32() {
        return switch (random.nextInt(8)) {
            case 0 -> pick(new Integer[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE});
            case 1 -> random.nextInt(-16, 17);
            default -> random.nextInt();
        };
    }

    public short s16() {
        return switch (random.nextInt(8)) {
            case 0 -> pick(new Short[] {0, 1, -1, Short.MIN_VALUE, Short.MAX_VALUE});
            case 1 -> (short) random.nextInt(-16, 17);
            default -> (short) random.nextInt();
        };
    }

    public long nextLong() {
        return random.nextLong();
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }
}
