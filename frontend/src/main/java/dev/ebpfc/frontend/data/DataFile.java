package dev.ebpfc.frontend.data;

import dev.ebpfc.frontend.asm.Assembler;
import dev.ebpfc.frontend.codec.Decoder;
import dev.ebpfc.frontend.insn.Program;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/// One test in the bpf_conformance `.data` format: a preamble of comment lines, then sections
/// opened by `-- name` lines, kept in file order and verbatim so unknown sections (`-- c`,
/// `-- no register offset`) survive a read/write round trip. The known sections are parsed on
/// demand by the accessors below, which fail with a [DataFormatException] naming `origin:line`:
/// `asm` (assembler text), `raw` (bytecode, one u64 or eight bytes per line), `mem` (input bytes),
/// `result` (expected r0) and `error` (expected rejection, free text, may be empty).
/// [DataFileReader] checks all of them when it reads a file, so a read file's accessors succeed.
public record DataFile(String origin, List<String> preamble, List<Section> sections) {

    public static final String ASM = "asm";
    public static final String RAW = "raw";
    public static final String MEM = "mem";
    public static final String RESULT = "result";
    public static final String ERROR = "error";

    /// A `-- name` section: `line` is the 1-based line of its header, `lines` its body.
    public record Section(String name, int line, List<String> lines) {
        public Section {
            Objects.requireNonNull(name);
            lines = List.copyOf(lines);
        }

        public Section(String name, List<String> lines) {
            this(name, 0, lines);
        }

        /// The body with a newline after every line.
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) sb.append(l).append('\n');
            return sb.toString();
        }
    }

    public DataFile {
        Objects.requireNonNull(origin);
        preamble = List.copyOf(preamble);
        sections = List.copyOf(sections);
    }

    /// A new test as a shrinker would write it: a comment, the program in conformance syntax, the
    /// input memory (null for none), and either an expected result or an expected error.
    public static DataFile of(String comment, String asm, byte[] mem, Long result, String error) {
        List<String> pre = new ArrayList<>();
        if (comment != null) comment.lines().forEach(l -> pre.add(l.isEmpty() ? "#" : "# " + l));
        List<Section> secs = new ArrayList<>();
        secs.add(new Section(ASM, asm.lines().toList()));
        if (mem != null) secs.add(new Section(MEM, hexLines(mem)));
        if (result != null) secs.add(new Section(RESULT, List.of("0x" + Long.toHexString(result))));
        if (error != null) secs.add(new Section(ERROR, error.lines().toList()));
        return new DataFile("<new>", pre, secs);
    }

    /// The section called `name`, or null.
    public Section section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) return s;
        }
        return null;
    }

    public boolean has(String name) {
        return section(name) != null;
    }

    /// The assembler text (comments included), or null without an `asm` section.
    public String asm() {
        Section s = section(ASM);
        return s == null ? null : s.text();
    }

    /// The line of the file where the first line of the `asm` body is, for assembler messages.
    public int asmFirstLine() {
        Section s = section(ASM);
        return s == null ? 0 : s.line() + 1;
    }

    /// The bytecode of the `raw` section, or null without one.
    public byte[] raw() {
        Section s = section(RAW);
        if (s == null) return null;
        List<Byte> out = new ArrayList<>();
        for (int i = 0; i < s.lines().size(); i++) {
            int lineNo = s.line() + 1 + i;
            String text = stripComment(s.lines().get(i)).trim();
            if (text.isEmpty()) continue;
            String[] parts = text.split("\\s+");
            if (parts.length == 1) {
                String t = parts[0];
                if (!t.startsWith("0x") && !t.startsWith("0X")) throw fail(lineNo, "raw line is neither 0x<u64> nor eight hex bytes: '" + t + "'");
                String digits = t.substring(2);
                if (digits.isEmpty() || digits.length() > 16 || !isHex(digits)) throw fail(lineNo, "bad 64-bit hex value '" + t + "'");
                long v = Long.parseUnsignedLong(digits, 16);
                for (int b = 0; b < 8; b++) out.add((byte) (v >>> (8 * b)));
            } else if (parts.length == 8) {
                for (String p : parts) out.add(hexByte(p, lineNo));
            } else {
                throw fail(lineNo, "raw line has " + parts.length + " fields; expected one 0x<u64> or eight hex bytes");
            }
        }
        byte[] bytes = new byte[out.size()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = out.get(i);
        return bytes;
    }

    /// The input memory, or null without a `mem` section.
    public byte[] mem() {
        Section s = section(MEM);
        if (s == null) return null;
        List<Byte> out = new ArrayList<>();
        for (int i = 0; i < s.lines().size(); i++) {
            String text = stripComment(s.lines().get(i)).trim();
            if (text.isEmpty()) continue;
            for (String p : text.split("\\s+")) out.add(hexByte(p, s.line() + 1 + i));
        }
        byte[] bytes = new byte[out.size()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = out.get(i);
        return bytes;
    }

    /// The expected r0, if there is a `result` section.
    public OptionalLong result() {
        Section s = section(RESULT);
        if (s == null) return OptionalLong.empty();
        Long value = null;
        for (int i = 0; i < s.lines().size(); i++) {
            int lineNo = s.line() + 1 + i;
            String text = stripComment(s.lines().get(i)).trim();
            if (text.isEmpty()) continue;
            if (value != null) throw fail(lineNo, "result has more than one value");
            value = parseResult(text, lineNo);
        }
        if (value == null) throw fail(s.line(), "empty result section");
        return OptionalLong.of(value);
    }

    /// The expected error text (trimmed, possibly empty), or null without an `error` section.
    public String error() {
        Section s = section(ERROR);
        return s == null ? null : s.text().strip();
    }

    /// The program: the `asm` section assembled when there is one, else the `raw` bytes decoded.
    /// Throws [dev.ebpfc.frontend.asm.AssemblerException] or
    /// [dev.ebpfc.frontend.codec.EncodingException] when the program is invalid.
    public Program program() {
        String asm = asm();
        if (asm != null) return Assembler.assemble(asm, origin, asmFirstLine());
        byte[] raw = raw();
        if (raw == null) throw fail(1, "no -- asm or -- raw section");
        return Decoder.decode(raw);
    }

    private Long parseResult(String text, int lineNo) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                String digits = text.substring(2);
                if (digits.isEmpty() || digits.length() > 16 || !isHex(digits)) throw fail(lineNo, "bad 64-bit hex result '" + text + "'");
                return Long.parseUnsignedLong(digits, 16);
            }
            return text.startsWith("-") ? Long.parseLong(text) : Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw fail(lineNo, "bad result '" + text + "' (expected 0x<hex> or a decimal 64-bit value)");
        }
    }

    private byte hexByte(String p, int lineNo) {
        if (p.length() != 2 || !isHex(p)) throw fail(lineNo, "'" + p + "' is not a hex byte (two hex digits)");
        return (byte) Integer.parseInt(p, 16);
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) return false;
        }
        return true;
    }

    static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static List<String> hexLines(byte[] mem) {
        List<String> lines = new ArrayList<>();
        HexFormat hex = HexFormat.ofDelimiter(" ");
        for (int i = 0; i < mem.length; i += 8) lines.add(hex.formatHex(mem, i, Math.min(mem.length, i + 8)));
        return lines;
    }

    private DataFormatException fail(int line, String reason) {
        return new DataFormatException(origin, line, reason);
    }
}
