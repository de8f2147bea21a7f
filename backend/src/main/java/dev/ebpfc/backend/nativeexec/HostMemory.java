package dev.ebpfc.backend.nativeexec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/// Pages of the host process through libc's `mmap`/`mprotect`/`munmap` (FFM downcalls): the only
/// place native execution gets memory from. Enforces W^X: no mapping is ever asked to be
/// writable and executable at once ([#checkWxorX] throws before the system call), so code is
/// written into a read-write mapping that is then switched to read-execute.
///
/// Linux x86_64 constants; the engine checks the host before using this class.
public final class HostMemory {
    private HostMemory() {
    }

    public static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    static final int MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20;
    /// x86_64 Linux: place the mapping in the first 2 GiB. The context's `data`/`data_end` fields
    /// are 32 bits wide (the code loads them with a plain 32-bit load), so the packet they point to
    /// must sit below 4 GiB; every program region is placed there for the same reason.
    static final int MAP_32BIT = 0x40;
    public static final long PAGE = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MPROTECT = downcall("mprotect", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        MemorySegment f = LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(f, fd, Linker.Option.captureCallState("errno"));
    }

    /// Throws when `prot` asks for writable and executable memory at once.
    public static void checkWxorX(int prot) {
        if ((prot & PROT_WRITE) != 0 && (prot & PROT_EXEC) != 0) {
            throw new AssertionError("W^X: a mapping may be writable or executable, never both (prot " + prot + ")");
        }
    }

    /// Rounds up to whole pages (at least one).
    public static long pages(long bytes) {
        return Math.max(PAGE, (bytes + PAGE - 1) & -PAGE);
    }

    /// Fresh zeroed pages with `prot`, below 2 GiB when `low` (falling back to anywhere when the
    /// low area is exhausted is not done: callers need the guarantee).
    public static MemorySegment map(long size, int prot, boolean low) {
        checkWxorX(prot);
        long bytes = pages(size);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long addr = (long) MMAP.invokeExact(state, 0L, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS | (low ? MAP_32BIT : 0), -1, 0L);
            if (addr == -1L) throw new IllegalStateException("mmap of " + bytes + " bytes failed: errno " + (int) ERRNO.get(state, 0L));
            return MemorySegment.ofAddress(addr).reinterpret(bytes);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /// Changes the protection of whole pages.
    public static void protect(MemorySegment pages, int prot) {
        checkWxorX(prot);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) MPROTECT.invokeExact(state, pages.address(), pages.byteSize(), prot);
            if (rc != 0) throw new IllegalStateException("mprotect failed: errno " + (int) ERRNO.get(state, 0L));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void unmap(MemorySegment pages) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int rc = (int) MUNMAP.invokeExact(state, pages.address(), pages.byteSize());
            if (rc != 0) throw new IllegalStateException("munmap failed: errno " + (int) ERRNO.get(state, 0L));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /// Machine code at a fresh read-execute mapping: written while the pages are read-write, then
    /// switched to read-execute. The pages are never writable and executable at once.
    public static MemorySegment loadCode(byte[] code) {
        MemorySegment m = map(code.length, PROT_READ | PROT_WRITE, false);
        MemorySegment.copy(MemorySegment.ofArray(code), 0, m, 0, code.length);
        protect(m, PROT_READ | PROT_EXEC);
        return m;
    }

    /// The permissions (`r-xp`, `rw-p`, …) of the mapping containing `address`, from
    /// /proc/self/maps, or null when none does: how tests check W^X from the outside.
    public static String permissionsAt(long address) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps"))) {
                String[] f = line.split("\\s+");
                String[] range = f[0].split("-");
                long lo = Long.parseUnsignedLong(range[0], 16), hi = Long.parseUnsignedLong(range[1], 16);
                if (Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0) return f[1];
            }
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
