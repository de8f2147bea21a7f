package dev.ebpfc.runtime.helpers;

import dev.ebpfc.runtime.maps.Errno;
import dev.ebpfc.runtime.memory.MemoryAccessException;

/// `long bpf_trace_printk(fmt, fmt_size, ...)` (Linux helper 6): formats up to three arguments
/// (r3–r5) with the kernel's subset of printf — `%d %i %u %x %X %o %c %s %p %%` with the length
/// modifiers `h hh l ll z`, flags `- + space # 0`, width and precision — appends the text to the
/// run's printk output and returns its length. The format must be NUL-terminated within
/// `fmt_size`; a fourth conversion or an unknown one gives -EINVAL (kernel/bpf/helpers.c,
/// `bpf_bprintf_prepare`). `%p` prints the raw value in hex (the kernel hashes it); a `%s` whose
/// pointer cannot be read prints as empty, as the kernel's nofault copy leaves it.
public final class TracePrintk implements Helper {
    static final int MAX_STRING = 256;

    @Override
    public String name() {
        return "trace_printk";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public boolean variadic() {
        return true;
    }

    /// The fixed two, plus one per conversion of the format (`%%` is none) when the call
    /// succeeded; only the fixed two when it returned an error (the format was not used).
    @Override
    public int argumentsUsed(HelperEnvironment env, long[] args, long result) {
        if (result < 0) return 2;
        byte[] f = env.memory.readBytes(args[0], (int) args[1]);
        int conversions = 0;
        for (int i = 0; i < f.length && f[i] != 0; i++) {
            if (f[i] != '%') continue;
            if (i + 1 < f.length && f[i + 1] == '%') i++;
            else conversions++;
        }
        return 2 + Math.min(3, conversions);
    }

    @Override
    public long call(HelperEnvironment env, long fmt, long fmtSize, long a1, long a2, long a3) {
        int n = (int) fmtSize;
        if (n <= 0) return -Errno.EINVAL;
        byte[] f = env.memory.readBytes(fmt, n);
        if (f[n - 1] != 0) return -Errno.EINVAL;
        int len = 0;
        while (f[len] != 0) len++;
        String out = format(env, new String(f, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1), new long[]{a1, a2, a3});
        if (out == null) return -Errno.EINVAL;
        env.print(out);
        return out.length();
    }

    /// The formatted text, or null when the format is invalid.
    static String format(HelperEnvironment env, String fmt, long[] args) {
        StringBuilder sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (++i >= fmt.length()) return null;
            if (fmt.charAt(i) == '%') {
                sb.append('%');
                continue;
            }
            String flags = "";
            while (i < fmt.length() && "-+ #0".indexOf(fmt.charAt(i)) >= 0) flags += fmt.charAt(i++);
            int width = -1, precision = -1;
            int ws = i;
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) i++;
            if (i > ws) width = Integer.parseInt(fmt.substring(ws, i));
            if (i < fmt.length() && fmt.charAt(i) == '.') {
                int ps = ++i;
                while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) i++;
                precision = i > ps ? Integer.parseInt(fmt.substring(ps, i)) : 0;
            }
            int bits = 32;
            if (fmt.startsWith("ll", i)) {
                bits = 64;
                i += 2;
            } else if (fmt.startsWith("hh", i)) {
                bits = 8;
                i += 2;
            } else if (i < fmt.length() && (fmt.charAt(i) == 'l' || fmt.charAt(i) == 'z')) {
                bits = 64;
                i++;
            } else if (i < fmt.length() && fmt.charAt(i) == 'h') {
                bits = 16;
                i++;
            }
            if (i >= fmt.length()) return null;
            char conv = fmt.charAt(i);
            if (next >= args.length) return null;
            long v = args[next++];
            String body;
            switch (conv) {
                case 'd', 'i' -> body = Long.toString(signed(v, bits));
                case 'u' -> body = Long.toUnsignedString(unsigned(v, bits));
                case 'x' -> body = Long.toHexString(unsigned(v, bits));
                case 'X' -> body = Long.toHexString(unsigned(v, bits)).toUpperCase();
                case 'o' -> body = Long.toOctalString(unsigned(v, bits));
                case 'c' -> body = String.valueOf((char) (v & 0xff));
                case 'p' -> {
                    // %pK, %px, %ps… take one extra letter; all print the raw value here.
                    if (i + 1 < fmt.length() && Character.isLetter(fmt.charAt(i + 1))) i++;
                    body = "0x" + Long.toHexString(v);
                }
                case 's' -> {
                    String s;
                    try {
                        s = env.memory.readCString(v, precision >= 0 ? Math.min(precision, MAX_STRING) : MAX_STRING);
                    } catch (MemoryAccessException e) {
                        s = "";
                    }
                    body = s;
                    precision = -1;
                }
                default -> {
                    return null;
                }
            }
            if (precision >= 0 && "diuxXo".indexOf(conv) >= 0) {
                boolean neg = body.startsWith("-");
                String digits = neg ? body.substring(1) : body;
                while (digits.length() < precision) digits = "0" + digits;
                body = (neg ? "-" : "") + digits;
            }
            if ("di".indexOf(conv) >= 0 && !body.startsWith("-")) {
                if (flags.contains("+")) body = "+" + body;
                else if (flags.contains(" ")) body = " " + body;
            }
            if (flags.contains("#") && v != 0) {
                if (conv == 'x') body = "0x" + body;
                if (conv == 'X') body = "0X" + body;
                if (conv == 'o') body = "0" + body;
            }
            if (width > body.length()) {
                int pad = width - body.length();
                if (flags.contains("-")) body = body + " ".repeat(pad);
                else if (flags.contains("0") && precision < 0 && conv != 's' && conv != 'c') {
                    int signLen = body.startsWith("-") || body.startsWith("+") || body.startsWith(" ") ? 1
                            : body.startsWith("0x") || body.startsWith("0X") ? 2 : 0;
                    body = body.substring(0, signLen) + "0".repeat(pad) + body.substring(signLen);
                } else body = " ".repeat(pad) + body;
            }
            sb.append(body);
        }
        return sb.toString();
    }

    private static long signed(long v, int bits) {
        return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    private static long unsigned(long v, int bits) {
        return bits == 64 ? v : v & ((1L << bits) - 1);
    }
}
