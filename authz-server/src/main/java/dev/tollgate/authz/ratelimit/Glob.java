package dev.tollgate.authz.ratelimit;

/**
 * A glob over SPIFFE IDs and HTTP paths: {@code *} matches any run of characters except
 * {@code /}, {@code **} matches any run including {@code /}, {@code ?} matches one character
 * except {@code /}; everything else is literal.
 *
 * <p>Matching simulates the pattern as an NFA whose state set fits in one {@code long}, so it
 * runs in O(input × pattern) time with no allocation and no backtracking blow-up on hostile
 * paths. That is why a pattern is limited to {@value #MAX_TOKENS} tokens.
 */
final class Glob {
    static final int MAX_TOKENS = 63;

    private static final byte LITERAL = 0;
    private static final byte ONE = 1;
    private static final byte STAR = 2;
    private static final byte GLOBSTAR = 3;

    private final String pattern;
    private final byte[] kinds;
    private final char[] chars;
    private final boolean literalOnly;
    private final int literalChars;
    /** The pattern's leading literal characters: compared directly, before the NFA starts. */
    private final String literalPrefix;
    /** Bit s set when token s is a star or globstar (it may match nothing). */
    private final long starMask;

    private Glob(String pattern, byte[] kinds, char[] chars) {
        this.pattern = pattern;
        this.kinds = kinds;
        this.chars = chars;
        int literals = 0;
        long stars = 0;
        for (int s = 0; s < kinds.length; s++) {
            if (kinds[s] == LITERAL) {
                literals++;
            } else if (kinds[s] >= STAR) {
                stars |= 1L << s;
            }
        }
        int prefix = 0;
        while (prefix < kinds.length && kinds[prefix] == LITERAL) {
            prefix++;
        }
        this.literalChars = literals;
        this.literalOnly = literals == kinds.length;
        this.literalPrefix = new String(chars, 0, prefix);
        this.starMask = stars;
    }

    /** Compiles a pattern; a problem is reported as an {@link IllegalArgumentException} message. */
    static Glob compile(String pattern) {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("empty pattern");
        }
        byte[] kinds = new byte[pattern.length()];
        char[] chars = new char[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (n == MAX_TOKENS) {
                throw new IllegalArgumentException("pattern has more than " + MAX_TOKENS + " characters/wildcards");
            }
            if (c == '*') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                    i++;
                    while (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                        i++;
                    }
                    kinds[n++] = GLOBSTAR;
                } else {
                    kinds[n++] = STAR;
                }
            } else if (c == '?') {
                kinds[n++] = ONE;
            } else {
                chars[n] = c;
                kinds[n++] = LITERAL;
            }
        }
        return new Glob(pattern, java.util.Arrays.copyOf(kinds, n), java.util.Arrays.copyOf(chars, n));
    }

    boolean matches(String input) {
        if (literalOnly) {
            return pattern.equals(input);
        }
        if (!input.startsWith(literalPrefix)) {
            return false;
        }
        int m = kinds.length;
        int start = literalPrefix.length();
        long states = closure(1L << start);
        for (int i = start, len = input.length(); i < len && states != 0; i++) {
            char c = input.charAt(i);
            long next = 0;
            long live = states & ~(1L << m);
            while (live != 0) {
                int s = Long.numberOfTrailingZeros(live);
                live &= live - 1;
                switch (kinds[s]) {
                    case LITERAL -> {
                        if (chars[s] == c) {
                            next |= 1L << (s + 1);
                        }
                    }
                    case ONE -> {
                        if (c != '/') {
                            next |= 1L << (s + 1);
                        }
                    }
                    case STAR -> {
                        if (c != '/') {
                            next |= 1L << s;
                        }
                    }
                    default -> next |= 1L << s;
                }
            }
            states = closure(next);
        }
        return (states & (1L << m)) != 0;
    }

    /** A star may match nothing, so a state on a star also stands on the token after it. */
    private long closure(long states) {
        long add = (states & starMask) << 1;
        while ((add & ~states) != 0) {
            states |= add;
            add = (states & starMask) << 1;
        }
        return states;
    }

    boolean isLiteral() {
        return literalOnly;
    }

    /** Number of literal characters: a longer fixed part is a more specific pattern. */
    int literalChars() {
        return literalChars;
    }

    String pattern() {
        return pattern;
    }

    @Override
    public String toString() {
        return pattern;
    }

    // Globs compare by their pattern, so reloaded limits that did not change compare equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }
}
