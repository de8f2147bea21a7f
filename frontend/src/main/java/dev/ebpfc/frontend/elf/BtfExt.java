package dev.ebpfc.frontend.elf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// The `.BTF.ext` section (kernel Documentation/bpf/btf.rst, ".BTF.ext section"): per code
/// section, `func_info` (which BTF function starts at which instruction) and `line_info` (source
/// file, line, column and text per instruction). In an object file `insnOffset` is a byte offset
/// into the named ELF section. CO-RE relocation records are not read.
public record BtfExt(Map<String, List<FuncInfo>> funcInfo, Map<String, List<LineRecord>> lineInfo) {
    public static final int MAGIC = 0xeb9f;
    private static final int MIN_HEADER = 24;

    public BtfExt {
        funcInfo = Map.copyOf(funcInfo);
        lineInfo = Map.copyOf(lineInfo);
    }

    public record FuncInfo(long insnOffset, int typeId) {
    }

    /// One `bpf_line_info`: `line_col` split as the kernel does (line in the high 22 bits).
    public record LineRecord(long insnOffset, String file, String source, int line, int column) {
    }

    /// Parses `.BTF.ext` bytes against `btf` (which holds its strings). `where` names the section.
    public static BtfExt parse(byte[] b, Btf btf, String origin, String where) {
        Cursor c = new Cursor(b, origin, where);
        if (b.length < MIN_HEADER) throw c.fail(0, "truncated .BTF.ext header (" + b.length + " bytes, needs " + MIN_HEADER + ")");
        if (c.u16(0) != MAGIC) throw c.fail(0, "bad .BTF.ext magic 0x" + Integer.toHexString(c.u16(0)) + " (expected 0xeb9f)");
        if (b[2] != 1) throw c.fail(2, ".BTF.ext version " + b[2] + ", expected 1");
        long hdrLen = c.u32(4);
        if (hdrLen < MIN_HEADER || hdrLen > b.length) throw c.fail(4, ".BTF.ext header length " + hdrLen + " is not in " + MIN_HEADER + ".." + b.length);
        Map<String, List<FuncInfo>> funcs = new LinkedHashMap<>();
        Map<String, List<LineRecord>> lines = new LinkedHashMap<>();
        c.records(hdrLen, c.u32(8), c.u32(12), 8, "func_info", btf, (sec, at) -> funcs.computeIfAbsent(sec, k -> new ArrayList<>())
                .add(new FuncInfo(c.u32(at), (int) c.u32(at + 4))));
        c.records(hdrLen, c.u32(16), c.u32(20), 16, "line_info", btf, (sec, at) -> {
            long lineCol = c.u32(at + 12);
            lines.computeIfAbsent(sec, k -> new ArrayList<>()).add(new LineRecord(c.u32(at), c.string(btf, at + 4),
                    c.string(btf, at + 8), (int) (lineCol >>> 10), (int) (lineCol & 0x3ff)));
        });
        funcs.replaceAll((k, v) -> List.copyOf(v));
        lines.replaceAll((k, v) -> List.copyOf(v));
        return new BtfExt(funcs, lines);
    }

    private interface RecordSink {
        void accept(String section, int at);
    }

    private static final class Cursor {
        private final byte[] b;
        private final String origin;
        private final String where;

        Cursor(byte[] b, String origin, String where) {
            this.b = b;
            this.origin = origin;
            this.where = where;
        }

        /// Walks one info block: `rec_size`, then per section `{sec_name_off, num_info, records}`.
        void records(long hdrLen, long off, long len, int minRecord, String what, Btf btf, RecordSink sink) {
            if (len == 0) return;
            long body = b.length - hdrLen;
            if (off > body || len > body - off) {
                throw fail(4, what + " at 0x" + Long.toHexString(off) + " + 0x" + Long.toHexString(len) + " extends beyond the section (" + body + " bytes after the header)");
            }
            int at = (int) (hdrLen + off);
            int end = (int) (hdrLen + off + len);
            if (end - at < 4) throw fail(at, what + " is too short for its record size");
            long recSize = u32(at);
            if (recSize < minRecord || recSize > 1024 || recSize % 4 != 0) {
                throw fail(at, what + " record size " + recSize + " (at least " + minRecord + ", a multiple of 4)");
            }
            at += 4;
            while (at < end) {
                if (end - at < 8) throw fail(at, what + ": truncated section header");
                String section = string(btf, at);
                long num = u32(at + 4);
                at += 8;
                if (num > (end - at) / recSize) {
                    throw fail(at - 4, what + " for " + section + ": " + num + " records of " + recSize + " bytes run past the end");
                }
                for (long i = 0; i < num; i++, at += (int) recSize) sink.accept(section, at);
            }
        }

        String string(Btf btf, int at) {
            try {
                return btf.string(u32(at));
            } catch (ElfException e) {
                throw fail(at, "string offset " + u32(at) + " is beyond the .BTF string section");
            }
        }

        int u16(int at) {
            return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
        }

        long u32(int at) {
            return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
        }

        ElfException fail(int at, String why) {
            return new ElfException(origin, where + " offset 0x" + Integer.toHexString(at), why);
        }
    }
}
