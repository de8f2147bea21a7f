package dev.ebpfc.ir.lift;

import dev.ebpfc.frontend.insn.Insn;
import dev.ebpfc.frontend.insn.Program;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/// The control-flow graph of one BPF function over its instructions: basic blocks of the
/// instructions reachable from the function's first slot, split at jump targets and after jumps
/// and exits. Unreachable instructions are left out (the kernel rejects them, the interpreter
/// never runs them; the IR has nothing to say about them). Building it checks what would make
/// control leave the function other than by `exit`: jumps outside it or into the middle of an
/// `lddw`, and falling off its end.
final class SlotCfg {
    /// A block: instruction indices `[first, last]`, successors by block index (for a conditional
    /// jump: taken, then fall-through) and predecessors (distinct).
    static final class SlotBlock {
        final int index;
        final int first;
        final int last;
        int[] succs = new int[0];
        final List<Integer> preds = new ArrayList<>(2);

        SlotBlock(int index, int first, int last) {
            this.index = index;
            this.first = first;
            this.last = last;
        }
    }

    final Program program;
    final List<SlotBlock> blocks;
    /// Block indices in reverse postorder from the entry block (block 0).
    final int[] rpo;

    private SlotCfg(Program program, List<SlotBlock> blocks, int[] rpo) {
        this.program = program;
        this.blocks = blocks;
        this.rpo = rpo;
    }

    /// The CFG of the function occupying slots `[start, end)` of `p`.
    static SlotCfg build(Program p, int start, int end) {
        int first = p.indexAtSlot(start);
        int endIndex = end >= p.slotCount() ? p.size() : p.indexAtSlot(end);
        boolean[] reached = new boolean[endIndex];
        boolean[] leader = new boolean[endIndex];
        leader[first] = true;
        ArrayDeque<Integer> work = new ArrayDeque<>();
        reached[first] = true;
        work.add(first);
        while (!work.isEmpty()) {
            int i = work.poll();
            Insn insn = p.get(i);
            int slot = p.slot(i);
            int next = slot + insn.slots();
            boolean falls = !(insn instanceof Insn.Exit) && !(insn instanceof Insn.Goto);
            List<Integer> succ = new ArrayList<>(2);
            if (insn instanceof Insn.Jump || insn instanceof Insn.Goto) {
                int t = p.branchTarget(i);
                if (t < start || t >= end) throw LiftException.invalid(slot, "jump out of its function to slot " + t);
                int ti = p.indexAtSlot(t);
                if (ti < 0) throw LiftException.invalid(slot, "jump to slot " + t + ", which is no instruction");
                leader[ti] = true;
                succ.add(ti);
            }
            if (falls) {
                if (next >= end) {
                    throw LiftException.invalid(slot, next >= p.slotCount() ? "falls off the end of the program (last instruction is not exit or jump)"
                            : "falls through into the function at slot " + next);
                }
                succ.add(i + 1);
            }
            if (!falls || insn instanceof Insn.Jump) {
                if (i + 1 < endIndex) leader[i + 1] = true;
            }
            for (int s : succ) {
                if (!reached[s]) {
                    reached[s] = true;
                    work.add(s);
                }
            }
        }
        // Blocks in slot order over reachable instructions.
        int[] blockOf = new int[endIndex];
        Arrays.fill(blockOf, -1);
        List<SlotBlock> blocks = new ArrayList<>();
        // The entry block first, so block 0 is the function's entry.
        List<int[]> ranges = new ArrayList<>();
        for (int i = first; i < endIndex; ) {
            if (!reached[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < endIndex && reached[j + 1] && !leader[j + 1] && !endsBlock(p.get(j))) j++;
            ranges.add(new int[]{i, j});
            i = j + 1;
        }
        for (int[] r : ranges) {
            SlotBlock b = new SlotBlock(blocks.size(), r[0], r[1]);
            blocks.add(b);
            for (int k = r[0]; k <= r[1]; k++) blockOf[k] = b.index;
        }
        for (SlotBlock b : blocks) {
            Insn last = p.get(b.last);
            List<Integer> succ = new ArrayList<>(2);
            if (last instanceof Insn.Jump || last instanceof Insn.Goto) succ.add(blockOf[p.indexAtSlot(p.branchTarget(b.last))]);
            if (!(last instanceof Insn.Exit) && !(last instanceof Insn.Goto)) succ.add(blockOf[b.last + 1]);
            b.succs = succ.stream().mapToInt(Integer::intValue).toArray();
            for (int s : b.succs) {
                List<Integer> preds = blocks.get(s).preds;
                if (!preds.contains(b.index)) preds.add(b.index);
            }
        }
        return new SlotCfg(p, blocks, reversePostorder(blocks));
    }

    private static boolean endsBlock(Insn insn) {
        return insn instanceof Insn.Jump || insn instanceof Insn.Goto || insn instanceof Insn.Exit;
    }

    private static int[] reversePostorder(List<SlotBlock> blocks) {
        int n = blocks.size();
        int[] order = new int[n];
        int pos = n;
        boolean[] seen = new boolean[n];
        int[] stack = new int[n];
        int[] next = new int[n];
        int sp = 0;
        stack[sp++] = 0;
        seen[0] = true;
        while (sp > 0) {
            int b = stack[sp - 1];
            int[] succs = blocks.get(b).succs;
            if (next[b] < succs.length) {
                int s = succs[next[b]++];
                if (!seen[s]) {
                    seen[s] = true;
                    stack[sp++] = s;
                }
            } else {
                sp--;
                order[--pos] = b;
            }
        }
        return Arrays.copyOfRange(order, pos, n);
    }
}
