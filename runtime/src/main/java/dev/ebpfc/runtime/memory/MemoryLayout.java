package dev.ebpfc.runtime.memory;

/// The one virtual address layout shared by every engine (interpreter, IR interpreter, Unicorn on
/// x86_64/ARM64/RISC-V64), so pointers and memory contents compare byte for byte.
///
/// The address space below 2^38 is cut into 1024 windows of 256 MiB; a region always starts at the
/// base of its window, so the window number (`address >>> 28`) finds the region in one array load.
/// Every base is non-zero (NULL and the first window stay unmapped) and 64 KiB aligned, and 2^38 is
/// reachable as a user address on all three ISAs (x86_64 47-bit, ARM64 48-bit, RISC-V Sv39 38-bit
/// user half: 2^38 is the top of Sv39's lower half, so nothing may reach it).
///
/// | window | base | region | size | access |
/// |---|---|---|---|---|
/// | 0 | 0x0 | none: NULL stays invalid | – | – |
/// | 1 | `0x1000_0000` | context (`xdp_md`, `__sk_buff`) | struct size | read; kernel-writable fields only |
/// | 2 | `0x2000_0000` | packet: [#PACKET_HEADROOM] bytes headroom, then the packet | headroom + length | read/write |
/// | 3 | `0x3000_0000` | input memory `mem` (conformance: r1 = pointer, r2 = length) | length | read/write |
/// | 4–11 | `0x4000_0000` + i·2^28 | stack frame i (call depth i), r10 = base + 512 | 512 | read/write |
/// | 16–527 | `0x1_0000_0000` + m·2^28 | values of map m (index in the object); global data | slots × value size | read/write; `.rodata` read |
/// | – | `0x3e_0000_0000` + 8·slot | code addresses (`lddw func`, callx targets): never mapped | – | – |
/// | – | `0x3f_0000_0000` + 64·m | map handles (`lddw map_idx`): never mapped | – | – |
public final class MemoryLayout {
    private MemoryLayout() {
    }

    /// log2 of the window size.
    public static final int WINDOW_SHIFT = 28;
    public static final long WINDOW_SIZE = 1L << WINDOW_SHIFT;
    public static final long WINDOW_MASK = WINDOW_SIZE - 1;
    /// Number of windows: addresses at or above `WINDOW_COUNT << WINDOW_SHIFT` (2^38) never map.
    public static final int WINDOW_COUNT = 1024;

    public static final long CONTEXT_BASE = 0x1000_0000L;
    public static final long PACKET_BASE = 0x2000_0000L;
    public static final long MEM_BASE = 0x3000_0000L;
    public static final long STACK_BASE = 0x4000_0000L;
    public static final long MAP_VALUES_BASE = 0x1_0000_0000L;
    public static final long CODE_BASE = 0x3e_0000_0000L;
    public static final long MAP_HANDLE_BASE = 0x3f_0000_0000L;

    /// Bytes before the packet data that `xdp_adjust_head` may grow into (Linux: XDP_PACKET_HEADROOM).
    public static final int PACKET_HEADROOM = 256;
    public static final int STACK_SIZE = 512;
    /// Frames of local calls, the entry function included (Linux: MAX_CALL_FRAMES).
    public static final int MAX_FRAMES = 8;
    public static final int MAX_MAPS = 512;
    /// Stride between map handles.
    public static final int MAP_HANDLE_STRIDE = 64;

    public static long stackBase(int frame) {
        return STACK_BASE + ((long) frame << WINDOW_SHIFT);
    }

    /// The frame pointer (r10) of frame `frame`: one past its top.
    public static long frameTop(int frame) {
        return stackBase(frame) + STACK_SIZE;
    }

    public static long mapValuesBase(int mapIndex) {
        return MAP_VALUES_BASE + ((long) mapIndex << WINDOW_SHIFT);
    }

    public static long mapHandle(int mapIndex) {
        return MAP_HANDLE_BASE + (long) mapIndex * MAP_HANDLE_STRIDE;
    }

    /// The map index a handle names, or -1 when `value` is no handle.
    public static int mapIndexOfHandle(long value) {
        long d = value - MAP_HANDLE_BASE;
        if (d < 0 || d % MAP_HANDLE_STRIDE != 0 || d / MAP_HANDLE_STRIDE >= MAX_MAPS) return -1;
        return (int) (d / MAP_HANDLE_STRIDE);
    }

    public static long codeAddress(int slot) {
        return CODE_BASE + 8L * slot;
    }

    /// The slot a code address names, or -1.
    public static int slotOfCodeAddress(long value) {
        long d = value - CODE_BASE;
        if (d < 0 || (d & 7) != 0 || d >= WINDOW_SIZE) return -1;
        return (int) (d >>> 3);
    }

    /// Window number of an address, or -1 when it lies above every window.
    public static int window(long address) {
        long w = address >>> WINDOW_SHIFT;
        return w < WINDOW_COUNT ? (int) w : -1;
    }
}
