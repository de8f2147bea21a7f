package dev.ebpfc.backend.x86_64;

/// Operand size, with its AT&T suffix: byte, word (0x66 prefix), long (default), quad (REX.W).
public enum OpSize {
    B(1, 'b'), W(2, 'w'), L(4, 'l'), Q(8, 'q');

    public final int bytes;
    public final char suffix;

    OpSize(int bytes, char suffix) {
        this.bytes = bytes;
        this.suffix = suffix;
    }

    public static OpSize ofBytes(int n) {
        return switch (n) {
            case 1 -> B;
            case 2 -> W;
            case 4 -> L;
            case 8 -> Q;
            default -> throw new IllegalArgumentException("operand size " + n);
        };
    }
}
