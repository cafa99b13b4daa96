package dev.tollgate.authz.input;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.function.BiConsumer;

/**
 * A JSON request body straight to jrego values, without an intermediate tree or parser objects.
 * Numbers keep every digit, as OPA keeps them ({@code 1e999999999} is that number, not infinity);
 * a number whose exponent no decimal can hold is an invalid request, and so is text past the limits
 * Jackson applied before (nesting {@value #MAX_DEPTH}, numbers of {@value #MAX_NUMBER_LENGTH}
 * characters). As before, the first JSON value is read (what follows it is ignored) and an empty
 * body is null. Errors name the line and column (1-based), as Jackson's did.
 */
final class JsonBody {
    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;

    private final String s;
    private boolean build; // false: check only (a lazy object's reader switches it per lookup)
    private int pos;
    private int depth;

    private JsonBody(String s, boolean build) {
        this.s = s;
        this.build = build;
    }

    /** @throws InvalidRequestException naming what is wrong and where */
    static Value parse(String payload) {
        return new JsonBody(payload, true).document();
    }

    /**
     * As {@link #parse}, without building the value: accepts and refuses the same texts, with the same
     * messages, and allocates nothing per value (numbers with exponents of 10 or more digits aside).
     */
    static void check(String payload) {
        new JsonBody(payload, false).document();
    }

    /**
     * As {@link #parse}, but a top-level object's members are parsed only when read: the whole text
     * is checked first (same acceptance, same messages), then a lookup finds its key's last
     * occurrence in the text and parses that value alone. A policy that reads
     * {@code input.parsed_body.amount} builds one number, not every string of the body. Anything
     * that needs every member (size, iteration, equality) parses the whole object, once.
     *
     * @throws InvalidRequestException naming what is wrong and where
     */
    static Value lazy(String payload) {
        JsonBody reader = new JsonBody(payload, false);
        reader.document();
        int start = 0;
        while (start < payload.length() && isSpace(payload.charAt(start))) {
            start++;
        }
        if (start == payload.length() || payload.charAt(start) != '{') {
            return parse(payload);
        }
        return ObjectValue.lazy(new LazyMembers(reader, start));
    }

    /** The members of a checked top-level object, parsed on lookup; the last two lookups are kept. */
    private static final class LazyMembers implements ObjectValue.Source {
        private final JsonBody reader;
        private final int start;
        private Value key0;
        private Value value0;
        private Value key1;
        private Value value1;
        private ObjectValue all;

        LazyMembers(JsonBody reader, int start) {
            this.reader = reader;
            this.start = start;
        }

        @Override
        public int size() {
            return all().size();
        }

        @Override
        public Value get(Value key) {
            if (all != null) {
                return all.get(key);
            }
            if (!(key instanceof StringValue wanted)) {
                return null;
            }
            if (key.equals(key0)) {
                return value0;
            }
            if (key.equals(key1)) {
                return value1;
            }
            Value v = find(wanted.value());
            key1 = key0;
            value1 = value0;
            key0 = key;
            value0 = v;
            return v;
        }

        /** The value of the key's last occurrence (as in a parse, where a repeated key's last value wins), or null. */
        private Value find(String wanted) {
            JsonBody scan = reader;
            scan.build = false;
            scan.depth = 0;
            scan.pos = start + 1;
            scan.skipSpace();
            if (scan.peek() == '}') {
                return null;
            }
            int found = -1;
            while (true) {
                scan.skipSpace();
                boolean match = scan.keyIs(wanted);
                scan.skipSpace();
                scan.pos++; // ':'
                scan.skipSpace();
                if (match) {
                    found = scan.pos;
                }
                scan.skipChecked();
                scan.skipSpace();
                if (scan.s.charAt(scan.pos++) == '}') {
                    break;
                }
            }
            if (found < 0) {
                return null;
            }
            scan.build = true;
            scan.depth = 0;
            scan.pos = found;
            try {
                return scan.value();
            } finally {
                scan.build = false;
            }
        }

        @Override
        public void forEach(BiConsumer<Value, Value> action) {
            all().asMap().forEach(action);
        }

        private ObjectValue all() {
            if (all == null) {
                all = (ObjectValue) parse(reader.s);
            }
            return all;
        }
    }

    /**
     * Moves past the value at the position of a text already checked: strings to their closing quote,
     * objects and arrays to their closing bracket, anything else to the next ',', '}', ']' or space.
     * A fraction of what checking it again would cost.
     */
    private void skipChecked() {
        int nesting = 0;
        while (true) {
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                while (true) {
                    char d = s.charAt(pos++);
                    if (d == '\\') {
                        pos++;
                    } else if (d == '"') {
                        break;
                    }
                }
                if (nesting == 0) {
                    return;
                }
            } else if (c == '{' || c == '[') {
                nesting++;
                pos++;
            } else if (c == '}' || c == ']') {
                if (nesting == 0) {
                    return;
                }
                pos++;
                if (--nesting == 0) {
                    return;
                }
            } else if (nesting == 0 && (c == ',' || isSpace(c))) {
                return;
            } else {
                pos++;
            }
        }
    }

    /** Whether the (checked) string at the position is {@code wanted}; moves past it. */
    private boolean keyIs(String wanted) {
        int quote = pos;
        int end = pos + 1;
        while (s.charAt(end) != '"' && s.charAt(end) != '\\') {
            end++;
        }
        if (s.charAt(end) == '"') {
            pos = end + 1;
            return end - quote - 1 == wanted.length() && s.regionMatches(quote + 1, wanted, 0, wanted.length());
        }
        JsonBody decode = new JsonBody(s, true);
        decode.pos = quote;
        String key = decode.string();
        pos = decode.pos;
        return key.equals(wanted);
    }

    private Value document() {
        skipSpace();
        if (pos == s.length()) {
            return NullValue.INSTANCE;
        }
        boolean number = s.charAt(pos) == '-' || (s.charAt(pos) >= '0' && s.charAt(pos) <= '9');
        Value v = value();
        // Jackson read a number at the top level only up to white space: "12x" was an error, "12 x" was 12.
        if (number && pos < s.length() && !isSpace(s.charAt(pos))) {
            throw invalid("expected white space after a number, got " + describe(s.charAt(pos)), pos);
        }
        return v;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private Value value() {
        if (pos == s.length()) {
            throw invalid("unexpected end of input", pos);
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> {
                String text = string();
                yield build ? StringValue.of(text) : null;
            }
            case 't' -> literal("true", BooleanValue.TRUE);
            case 'f' -> literal("false", BooleanValue.FALSE);
            case 'n' -> literal("null", NullValue.INSTANCE);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw invalid("unexpected character " + describe(c), pos);
            }
        };
    }

    private Value object() {
        int start = pos++;
        enter(start);
        CompactObject o = build ? new CompactObject(4) : null;
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return build ? o.value() : null;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw unexpected("a field name in double quotes");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Value v = value();
            if (build) {
                o.put(key, v); // a repeated key: the last one wins
            }
            skipSpace();
            char c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return build ? o.value() : null;
            }
            if (c != ',') {
                pos--;
                throw unexpected("',' or '}'");
            }
        }
    }

    private Value array() {
        int start = pos++;
        enter(start);
        ArrayList<Value> items = build ? new ArrayList<>() : null;
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return build ? ArrayValue.EMPTY : null;
        }
        while (true) {
            skipSpace();
            Value v = value();
            if (build) {
                items.add(v);
            }
            skipSpace();
            char c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return build ? ArrayValue.wrap(items.toArray(new Value[0])) : null;
            }
            if (c != ',') {
                pos--;
                throw unexpected("',' or ']'");
            }
        }
    }

    private void enter(int at) {
        if (++depth > MAX_DEPTH) {
            throw limit("nesting deeper than " + MAX_DEPTH, at);
        }
    }

    private String string() {
        int start = ++pos;
        // Fast path: no escapes.
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return build ? s.substring(start, i) : null;
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw invalid("unescaped control character " + describe(c) + " in a string", i);
            }
        }
        // Checking only: nothing is built, escapes included.
        StringBuilder b = build ? new StringBuilder() : null;
        int i = start;
        while (true) {
            if (i >= s.length()) {
                throw invalid("unexpected end of input in a string", i);
            }
            char c = s.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return build ? b.toString() : null;
            }
            if (c < 0x20) {
                throw invalid("unescaped control character " + describe(c) + " in a string", i);
            }
            if (c != '\\') {
                if (build) {
                    b.append(c);
                }
                i++;
                continue;
            }
            if (i + 1 >= s.length()) {
                throw invalid("unexpected end of input in a string", i + 1);
            }
            char e = s.charAt(i + 1);
            char unescaped = switch (e) {
                case '"', '\\', '/' -> e;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> {
                    if (i + 6 > s.length()) {
                        throw invalid("unexpected end of input in a \\u escape", s.length());
                    }
                    int code = 0;
                    for (int k = i + 2; k < i + 6; k++) {
                        int d = Character.digit(s.charAt(k), 16);
                        if (d < 0 || s.charAt(k) > 'f') {
                            throw invalid("invalid \\u escape", k);
                        }
                        code = code << 4 | d;
                    }
                    i += 4;
                    yield (char) code;
                }
                default -> throw invalid("invalid escape \\" + e, i + 1);
            };
            if (build) {
                b.append(unescaped);
            }
            i += 2;
        }
    }

    private Value number() {
        int start = pos;
        int i = pos;
        int exponentDigits = 0; // significant digits of the exponent
        if (s.charAt(i) == '-') {
            i++;
        }
        int intStart = i;
        i = digits(i);
        if (i == intStart) {
            throw invalid("a number needs digits", i);
        }
        if (s.charAt(intStart) == '0' && i - intStart > 1) {
            throw invalid("a number has a leading zero", intStart);
        }
        if (i < s.length() && s.charAt(i) == '.') {
            int f = ++i;
            i = digits(i);
            if (i == f) {
                throw invalid("a number needs digits after '.'", i);
            }
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int e = i;
            i = digits(i);
            if (i == e) {
                throw invalid("a number needs digits in its exponent", i);
            }
            while (e < i - 1 && s.charAt(e) == '0') {
                e++;
            }
            exponentDigits = i - e;
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            throw limit("a number longer than " + MAX_NUMBER_LENGTH + " characters", start);
        }
        pos = i;
        if (!build && !mayBeOutOfRange(exponentDigits)) {
            return null;
        }
        String text = s.substring(start, i);
        try {
            NumberValue n = NumberValue.parse(text);
            return build ? n : null;
        } catch (NumberFormatException | ArithmeticException ex) {
            throw new InvalidRequestException("request body has a number out of range ("
                    + (text.length() <= 40 ? text : text.substring(0, 37) + "...") + "; " + where(start) + ")");
        }
    }

    /**
     * Whether {@link NumberValue#parse} may refuse a well-formed number of at most {@value #MAX_NUMBER_LENGTH}
     * characters: only when its exponent has 10 or more significant digits. It parses as a BigDecimal
     * whose scale (digits after the point, at most {@value #MAX_NUMBER_LENGTH}, less the exponent)
     * must fit an int, and BigDecimal refuses exponents of more than 10 significant digits; an
     * exponent below 10^9 keeps the scale well inside an int. Checking, numbers of 10 or more exponent
     * digits are parsed as when building, so both refuse exactly the same numbers; all others are
     * accepted without making a value.
     */
    private static boolean mayBeOutOfRange(int exponentDigits) {
        return exponentDigits >= 10;
    }

    private int digits(int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private Value literal(String word, Value v) {
        if (!s.startsWith(word, pos)) {
            throw invalid("unrecognized token", pos);
        }
        pos += word.length();
        // As Jackson: a literal running into identifier characters ("truex") is one unknown token.
        if (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= '0' && c != ']' && c != '}' && Character.isJavaIdentifierPart(c)) {
                throw invalid("unrecognized token", pos - word.length());
            }
        }
        return build ? v : null;
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (!isSpace(c)) {
                return;
            }
            pos++;
        }
    }

    /** The next character, or 0 at the end. */
    private char peek() {
        return pos < s.length() ? s.charAt(pos) : 0;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw unexpected("'" + c + "'");
        }
        pos++;
    }

    private InvalidRequestException unexpected(String wanted) {
        return pos >= s.length() ? invalid("unexpected end of input", pos)
                : invalid("expected " + wanted + ", got " + describe(s.charAt(pos)), pos);
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    private InvalidRequestException invalid(String what, int at) {
        return new InvalidRequestException("request body is not valid JSON (" + where(at) + ": " + what + ")");
    }

    private InvalidRequestException limit(String what, int at) {
        return new InvalidRequestException("request body is over a JSON parsing limit (" + what + "; " + where(at) + ")");
    }

    private String where(int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (at - lineStart + 1);
    }
}
