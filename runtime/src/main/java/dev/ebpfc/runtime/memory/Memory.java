package dev.ebpfc.runtime.memory;

/// Checked access to the program's virtual memory, by address. Helpers are written against this
/// interface only, so the interpreter, the IR interpreter, Unicorn traps and native upcalls can all
/// run the same helper classes. Every method throws [MemoryAccessException] when any byte of the
/// access is outside a region or the region forbids it. Multi-byte values are little-endian.
public interface Memory {
    /// Reads 1, 2, 4 or 8 bytes, zero-extended.
    long read(long address, int size);

    /// Writes the low 1, 2, 4 or 8 bytes of `value`.
    void write(long address, int size, long value);

    byte[] readBytes(long address, int length);

    void writeBytes(long address, byte[] bytes);

    /// Whether `length` bytes at `address` could be read (write: written) without an exception.
    boolean accessible(long address, long length, boolean write);

    /// The NUL-terminated string at `address`, at most `max` bytes read (without the NUL), as
    /// Latin-1; throws when the string runs out of its region before a NUL or `max`.
    default String readCString(long address, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < max; i++) {
            int b = (int) read(address + i, 1);
            if (b == 0) return sb.toString();
            sb.append((char) b);
        }
        return sb.toString();
    }
}
