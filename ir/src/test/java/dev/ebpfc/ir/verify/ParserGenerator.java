package dev.ebpfc.ir.verify;

import java.util.SplittableRandom;

/// Random XDP programs shaped like packet parsers, in the conformance assembler syntax: bounds
/// checks of `data + K` against `data_end`, loads and stores at constant offsets (some beyond
/// what was checked), pointers advanced by a masked packet byte and checked again, stack
/// spills, and counted loops over the packet. r2 = data, r3 = data_end, r0 accumulates.
final class ParserGenerator {
    private ParserGenerator() {
    }

    static String program(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder("ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r0, 0\n");
        int steps = rnd.nextInt(1, 7);
        int checked = 0;
        for (int s = 0; s < steps; s++) {
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    int k = rnd.nextInt(1, 64);
                    sb.append("mov %r4, %r2\nadd %r4, ").append(k).append("\njgt %r4, %r3, out\n");
                    checked = Math.max(checked, k);
                }
                case 1 -> {
                    String[] sz = {"b", "h", "w", "dw"};
                    int size = rnd.nextInt(4), bytes = 1 << size;
                    int off = rnd.nextInt(5) == 0 ? rnd.nextInt(0, 70) : rnd.nextInt(0, Math.max(1, checked - bytes + 1));
                    sb.append("ldx").append(sz[size]).append(" %r5, [%r2+").append(off).append("]\nadd %r0, %r5\n");
                }
                case 2 -> {
                    int off = rnd.nextInt(0, Math.max(1, checked + (rnd.nextInt(4) == 0 ? 4 : 0)));
                    sb.append("stb [%r2+").append(off).append("], ").append(rnd.nextInt(256)).append('\n');
                }
                case 3 -> {
                    // r7 = data + (byte & mask), checked for k bytes, read at j.
                    int at = rnd.nextInt(0, Math.max(1, checked));
                    int mask = new int[]{3, 7, 15, 31, 60}[rnd.nextInt(5)];
                    int k = rnd.nextInt(1, 24), j = rnd.nextInt(5) == 0 ? rnd.nextInt(0, 24) : rnd.nextInt(0, k);
                    sb.append("ldxb %r6, [%r2+").append(at).append("]\nand %r6, ").append(mask)
                            .append("\nmov %r7, %r2\nadd %r7, %r6\nmov %r4, %r7\nadd %r4, ").append(k)
                            .append("\njgt %r4, %r3, out\nldxb %r5, [%r7+").append(j).append("]\nadd %r0, %r5\n");
                }
                case 4 -> {
                    int off = -8 * rnd.nextInt(1, 5);
                    boolean write = rnd.nextInt(3) != 0;
                    if (write) sb.append("stxdw [%r10").append(off).append("], %r0\n");
                    sb.append("ldxdw %r5, [%r10").append(off).append("]\nadd %r0, %r5\n");
                }
                default -> {
                    // Sum the first n bytes, each checked: the kernel's bounded-loop shape.
                    int n = rnd.nextInt(1, 40), extra = rnd.nextInt(3) == 0 ? 1 : 0;
                    String l = "loop" + s;
                    sb.append("mov %r8, 0\n").append(l).append(":\nmov %r7, %r2\nadd %r7, %r8\nmov %r4, %r7\nadd %r4, 1\njgt %r4, %r3, out\n")
                            .append("ldxb %r5, [%r7+").append(extra).append("]\nadd %r0, %r5\nadd %r8, 1\njlt %r8, ").append(n).append(", ").append(l).append('\n');
                }
            }
        }
        return sb.append("out:\nexit\n").toString();
    }
}
