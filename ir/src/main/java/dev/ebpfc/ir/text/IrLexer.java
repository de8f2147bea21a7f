package dev.ebpfc.ir.text;

import java.util.ArrayList;
import java.util.List;

/// Splits one line of IR text into tokens. Words may contain dots (`add.ptr.packet`, `ptr.ctx`),
/// so an opcode with its suffixes is a single token; `+` and `-` are always separate tokens and
/// the parser reads signed numbers itself. A `;` outside a string starts a comment.
final class IrLexer {
    private IrLexer() {}

    enum Kind { WORD, GLOBAL, NUMBER, STRING, PUNCT }

    record Token(Kind kind, String text, int column) {
        boolean is(String punct) {
            return kind == Kind.PUNCT && text.equals(punct);
        }

        @Override
        public String toString() {
            return kind == Kind.STRING ? IrPrinter.quote(text) : kind == Kind.GLOBAL ? "@" + text : text;
        }
    }

    /// The line without its comment.
    static String stripComment(String line) {
        boolean inString = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString && c == '\\') i++;
            else if (c == '"') inString = !inString;
            else if (c == ';' && !inString) return line.substring(0, i);
        }
        return line;
    }

    /// Tokens of `line` (comment already stripped); throws with the reason on a stray character.
    static List<Token> tokenize(String line) {
        List<Token> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (isWordStart(c)) {
                int start = i;
                while (i < n && isWordPart(line.charAt(i))) i++;
                out.add(new Token(Kind.WORD, line.substring(start, i), start));
            } else if (c == '@') {
                int start = ++i;
                while (i < n && isWordPart(line.charAt(i))) i++;
                if (i == start) throw new IllegalArgumentException("'@' needs a function name");
                out.add(new Token(Kind.GLOBAL, line.substring(start, i), start - 1));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < n && Character.isLetterOrDigit(line.charAt(i))) i++;
                out.add(new Token(Kind.NUMBER, line.substring(start, i), start));
            } else if (c == '"') {
                int start = i++;
                StringBuilder sb = new StringBuilder();
                while (i < n && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < n) i++;
                    sb.append(line.charAt(i++));
                }
                if (i >= n) throw new IllegalArgumentException("unterminated string");
                i++;
                out.add(new Token(Kind.STRING, sb.toString(), start));
            } else if ("(),:={}+-".indexOf(c) >= 0) {
                out.add(new Token(Kind.PUNCT, String.valueOf(c), i++));
            } else {
                throw new IllegalArgumentException("unexpected character '" + c + "'");
            }
        }
        return out;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
    }
}
