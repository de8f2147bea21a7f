package dev.ebpfc.frontend.asm;

/// Number syntax shared by both assemblers. Immediates are decimal within the signed 32-bit range,
/// or hex up to `0xffffffff` (taken as the 32-bit pattern), optionally negated (`-0x10`); 64-bit
/// constants and offsets follow the same shape with their own ranges. Failures are [SyntaxError]s.
final class Numbers {
    private Numbers() {
    }

    /// A 32-bit immediate: decimal in [-2^31, 2^31), hex in [0, 0xffffffff] or -0x in [-0x80000000, 0].
    static int imm32(String text) {
        Parsed p = parse(text, "immediate");
        if (p.hex) {
            if (!p.negative && p.magnitude > 0xffffffffL) throw new SyntaxError("immediate " + text + " does not fit in 32 bits (hex 0..0xffffffff)");
            if (p.negative && p.magnitude > 0x80000000L) throw new SyntaxError("immediate " + text + " does not fit in 32 bits (at least -0x80000000)");
            return (int) (p.negative ? -p.magnitude : p.magnitude);
        }
        long v = p.negative ? -p.magnitude : p.magnitude;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new SyntaxError("immediate " + text + " is out of the signed 32-bit range (use hex for bit patterns)");
        }
        return (int) v;
    }

    /// A 64-bit constant: decimal in the signed or unsigned 64-bit range, or hex up to 16 digits.
    static long imm64(String text) {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        String body = negative || t.startsWith("+") ? t.substring(1) : t;
        try {
            long v;
            if (body.startsWith("0x") || body.startsWith("0X")) {
                String digits = body.substring(2);
                if (digits.isEmpty() || digits.length() > 16 || !isDigits(digits, 16)) throw new SyntaxError("bad 64-bit constant '" + text + "'");
                v = Long.parseUnsignedLong(digits, 16);
                if (negative && Long.compareUnsigned(v, Long.MIN_VALUE) > 0) throw new SyntaxError("constant " + text + " does not fit in 64 bits");
            } else {
                if (body.isEmpty() || !isDigits(body, 10)) throw new SyntaxError("bad 64-bit constant '" + text + "'");
                if (negative) return Long.parseLong(t);
                v = Long.parseUnsignedLong(body);
            }
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new SyntaxError("constant " + text + " does not fit in 64 bits");
        }
    }

    /// A 16-bit signed offset (memory displacement or jump): decimal or hex, range [-32768, 32767].
    static short offset16(String text) {
        Parsed p = parse(text, "offset");
        long v = p.negative ? -p.magnitude : p.magnitude;
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) throw new SyntaxError("offset " + text + " is out of the 16-bit range [-32768, 32767]");
        return (short) v;
    }

    /// A signed 32-bit offset (`ja32`, local calls).
    static int offset32(String text) {
        Parsed p = parse(text, "offset");
        long v = p.negative ? -p.magnitude : p.magnitude;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new SyntaxError("offset " + text + " is out of the 32-bit range");
        return (int) v;
    }

    /// A small non-negative decimal number (register numbers, pseudo sources).
    static int small(String text, String what) {
        if (text.isEmpty() || text.length() > 9 || !isDigits(text, 10)) throw new SyntaxError("bad " + what + " '" + text + "'");
        return Integer.parseInt(text);
    }

    static boolean looksNumeric(String text) {
        String t = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        return !t.isEmpty() && Character.isDigit(t.charAt(0));
    }

    private record Parsed(boolean negative, boolean hex, long magnitude) {
    }

    private static Parsed parse(String text, String what) {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        String body = negative || t.startsWith("+") ? t.substring(1).strip() : t;
        boolean hex = body.startsWith("0x") || body.startsWith("0X");
        String digits = hex ? body.substring(2) : body;
        // 17 digits are enough to tell "too large" without overflowing a long.
        if (digits.isEmpty() || !isDigits(digits, hex ? 16 : 10)) throw new SyntaxError("bad " + what + " '" + text + "'");
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        if (trimmed.length() > (hex ? 15 : 18)) throw new SyntaxError(what + " " + text + " is far out of range");
        return new Parsed(negative, hex, Long.parseLong(trimmed, hex ? 16 : 10));
    }

    private static boolean isDigits(String s, int radix) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), radix) < 0) return false;
        }
        return true;
    }
}
