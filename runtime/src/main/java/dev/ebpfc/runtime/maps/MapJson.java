package dev.ebpfc.runtime.maps;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/// Map contents as JSON of exactly one shape: `{"map_name": {"<key hex>": "<value hex>", ...}}`.
/// A tiny writer and reader for that shape only (strings, objects, whitespace), so no JSON library
/// is needed. Ring buffers are not dumped (their records are in the run result).
public final class MapJson {
    private MapJson() {
    }

    public static String write(MapSet maps) {
        StringBuilder sb = new StringBuilder("{");
        boolean firstMap = true;
        for (BpfMap m : maps.all()) {
            if (m instanceof RingBufMap) continue;
            sb.append(firstMap ? "\n  " : ",\n  ");
            firstMap = false;
            string(sb, m.name());
            sb.append(": {");
            boolean first = true;
            for (Map.Entry<ByteKey, byte[]> e : m.entries().entrySet()) {
                sb.append(first ? "\n    " : ",\n    ");
                first = false;
                string(sb, e.getKey().toString());
                sb.append(": ");
                string(sb, HexFormat.of().formatHex(e.getValue()));
            }
            sb.append(first ? "}" : "\n  }");
        }
        return sb.append(firstMap ? "}" : "\n}").append('\n').toString();
    }

    /// Applies every entry of `json` to `maps` (user-space updates).
    public static void read(String json, MapSet maps) {
        for (Map.Entry<String, Map<String, String>> m : parse(json).entrySet()) {
            for (Map.Entry<String, String> e : m.getValue().entrySet()) {
                maps.put(m.getKey(), hex(e.getKey()), hex(e.getValue()));
            }
        }
    }

    private static byte[] hex(String s) {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("map JSON: \"" + s + "\" is not hex bytes");
        }
    }

    /// Parses the two-level object into name → key hex → value hex, in file order.
    public static Map<String, Map<String, String>> parse(String json) {
        Parser p = new Parser(json);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        p.expect('{');
        if (!p.tryConsume('}')) {
            do {
                String name = p.string();
                p.expect(':');
                Map<String, String> entries = new LinkedHashMap<>();
                p.expect('{');
                if (!p.tryConsume('}')) {
                    do {
                        String k = p.string();
                        p.expect(':');
                        entries.put(k, p.string());
                    } while (p.tryConsume(','));
                    p.expect('}');
                }
                out.put(name, entries);
            } while (p.tryConsume(','));
            p.expect('}');
        }
        p.skip();
        if (p.pos != json.length()) throw p.error("trailing text");
        return out;
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        sb.append('"');
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        void expect(char c) {
            if (!tryConsume(c)) throw error("expected '" + c + "'");
        }

        boolean tryConsume(char c) {
            skip();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return sb.toString();
                if (c == '\\') {
                    if (pos >= s.length()) throw error("unterminated escape");
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) throw error("short \\u escape");
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> throw error("unknown escape \\" + e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        IllegalArgumentException error(String why) {
            return new IllegalArgumentException("map JSON at offset " + pos + ": " + why);
        }
    }

    /// Entries of one map as key hex → value hex (for tests and tools).
    public static Map<String, String> dump(BpfMap m) {
        Map<String, String> out = new LinkedHashMap<>();
        SortedMap<ByteKey, byte[]> e = m.entries();
        e.forEach((k, v) -> out.put(k.toString(), HexFormat.of().formatHex(v)));
        return out;
    }
}
