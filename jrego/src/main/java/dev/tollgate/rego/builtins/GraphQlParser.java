package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GraphQL parser producing the AST that OPA's {@code graphql.parse_query} and
 * {@code graphql.parse_schema} return: the field names of the gqlparser library OPA embeds,
 * without positions, nulls and empty collections. Grammar, token rules and error messages
 * follow that library, including which token an error points at.
 */
final class GraphQlParser {
  /** A syntax error at a line and column (1-based, counted in code points). */
  static final class GraphQlSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;

    GraphQlSyntaxException(String message, int line, int column) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  private enum Kind {
    INVALID("<Invalid>"), EOF("<EOF>"), BANG("!"), DOLLAR("$"), AMP("&"), PAREN_L("("), PAREN_R(")"),
    SPREAD("..."), COLON(":"), EQUALS("="), AT("@"), BRACKET_L("["), BRACKET_R("]"), BRACE_L("{"),
    PIPE("|"), BRACE_R("}"), NAME("Name"), INT("Int"), FLOAT("Float"), STRING("String"),
    BLOCK_STRING("BlockString");

    final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /** A token; {@code error} is the lexer's complaint for an invalid one. */
  private record Token(Kind kind, String value, int line, int column, String error) {
    String describe() {
      return value.isEmpty() ? kind.text : kind.text + " " + GoFormat.quote(value);
    }
  }

  private static final Set<String> LOCATIONS = Set.of("QUERY", "MUTATION", "SUBSCRIPTION", "FIELD",
      "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR",
      "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE",
      "INPUT_OBJECT", "INPUT_FIELD_DEFINITION");

  // Value kinds, numbered as gqlparser's ValueKind.
  private static final int VARIABLE = 0;
  private static final int INT_VALUE = 1;
  private static final int FLOAT_VALUE = 2;
  private static final int STRING_VALUE = 3;
  private static final int BLOCK_VALUE = 4;
  private static final int BOOLEAN_VALUE = 5;
  private static final int NULL_VALUE = 6;
  private static final int ENUM_VALUE = 7;
  private static final int LIST_VALUE = 8;
  private static final int OBJECT_VALUE = 9;

  private final int[] src;
  private int pos;
  private int line = 1;
  private int lineStart;
  private Token peeked;
  private Token prev;

  private GraphQlParser(String text) {
    this.src = text.codePoints().toArray();
  }

  static Value parseQuery(String text) throws GraphQlSyntaxException {
    return prune(new GraphQlParser(text).queryDocument());
  }

  static Value parseSchema(String text) throws GraphQlSyntaxException {
    return prune(new GraphQlParser(text).schemaDocument());
  }

  // ---- lexer ----

  private Token token(Kind kind, String value, int startCol) {
    return new Token(kind, value, line, startCol, null);
  }

  private Token lexError(String message, int startCol) {
    return new Token(Kind.INVALID, "", line, startCol, message);
  }

  private void whitespace() {
    while (pos < src.length) {
      int c = src[pos];
      if (c == '\t' || c == ' ' || c == ',' || c == '\ufeff') {
        pos++;
      } else if (c == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (c == '\r') {
        pos++;
        line++;
        lineStart = pos;
        if (pos < src.length && src[pos] == '\n') {
          pos++;
        }
      } else if (c == '#') {
        while (pos < src.length && (src[pos] > 0x1f || src[pos] == '\t')) {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private Token readToken() {
    whitespace();
    int start = pos;
    int col = start - lineStart + 1;
    if (pos >= src.length) {
      return token(Kind.EOF, "", col);
    }
    int c = src[pos++];
    switch (c) {
      case '!': return token(Kind.BANG, "", col);
      case '$': return token(Kind.DOLLAR, "", col);
      case '&': return token(Kind.AMP, "", col);
      case '(': return token(Kind.PAREN_L, "", col);
      case ')': return token(Kind.PAREN_R, "", col);
      case ':': return token(Kind.COLON, "", col);
      case '=': return token(Kind.EQUALS, "", col);
      case '@': return token(Kind.AT, "", col);
      case '[': return token(Kind.BRACKET_L, "", col);
      case ']': return token(Kind.BRACKET_R, "", col);
      case '{': return token(Kind.BRACE_L, "", col);
      case '}': return token(Kind.BRACE_R, "", col);
      case '|': return token(Kind.PIPE, "", col);
      case '.':
        if (pos + 1 < src.length && src[pos] == '.' && src[pos + 1] == '.') {
          pos += 2;
          return token(Kind.SPREAD, "", col);
        }
        break;
      case '"':
        if (pos + 1 < src.length && src[pos] == '"' && src[pos + 1] == '"') {
          return blockString(start);
        }
        return string(start);
      default:
        if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
          while (pos < src.length && isNameChar(src[pos])) {
            pos++;
          }
          return token(Kind.NAME, text(start, pos), col);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
          pos--;
          return number(start, col);
        }
    }
    pos--;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return lexError(String.format("Cannot contain the invalid character \"\\u%04d\"", c), pos - lineStart + 1);
    }
    if (c == '\'') {
      return lexError("Unexpected single quote character ('), did you mean to use a double quote (\")?",
          pos - lineStart + 1);
    }
    return lexError("Cannot parse the unexpected character \"" + Character.toString(c) + "\".", pos - lineStart + 1);
  }

  private static boolean isNameChar(int c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private String text(int from, int to) {
    return new String(src, from, to - from);
  }

  private int digits() {
    int n = 0;
    while (pos < src.length && src[pos] >= '0' && src[pos] <= '9') {
      pos++;
      n++;
    }
    return n;
  }

  private String describeNext() {
    return pos < src.length ? "\"" + Character.toString(src[pos]) + "\"" : "<EOF>";
  }

  private Token number(int start, int col) {
    boolean isFloat = false;
    if (src[pos] == '-') {
      pos++;
    }
    if (pos < src.length && src[pos] == '0') {
      pos++;
      int extra = digits();
      if (extra != 0) {
        pos -= extra;
        return lexError("Invalid number, unexpected digit after 0: " + describeNext() + ".", pos - lineStart + 1);
      }
    } else if (digits() == 0) {
      return lexError("Invalid number, expected digit but got: " + describeNext() + ".", pos - lineStart + 1);
    }
    if (pos < src.length && src[pos] == '.') {
      pos++;
      isFloat = true;
      if (digits() == 0) {
        return lexError("Invalid number, expected digit but got: " + describeNext() + ".", pos - lineStart + 1);
      }
    }
    if (pos < src.length && (src[pos] == 'e' || src[pos] == 'E')) {
      pos++;
      isFloat = true;
      if (pos < src.length && (src[pos] == '-' || src[pos] == '+')) {
        pos++;
      }
      if (digits() == 0) {
        return lexError("Invalid number, expected digit but got: " + describeNext() + ".", pos - lineStart + 1);
      }
    }
    return token(isFloat ? Kind.FLOAT : Kind.INT, text(start, pos), col);
  }

  /** A quoted string; its position is that of its first character, after the quote. */
  private Token string(int start) {
    int col = start + 1 - lineStart + 1;
    StringBuilder sb = new StringBuilder();
    while (pos < src.length) {
      int c = src[pos];
      if (c == '\n' || c == '\r') {
        break;
      }
      if (c < 0x20 && c != '\t') {
        return lexError(String.format("Invalid character within String: \"\\u%04d\".", c), pos - lineStart + 1);
      }
      if (c == '"') {
        pos++;
        return token(Kind.STRING, sb.toString(), col);
      }
      if (c == '\\') {
        if (pos + 1 >= src.length) {
          pos++;
          return lexError("Invalid character escape sequence.", pos - lineStart + 1);
        }
        int e = src[pos + 1];
        if (e == 'u') {
          if (pos + 6 >= src.length) {
            pos++;
            return lexError("Invalid character escape sequence: \\" + text(pos, src.length) + ".", pos - lineStart + 1);
          }
          String hex = text(pos + 2, pos + 6);
          if (!hex.matches("[0-9a-fA-F]{4}")) {
            pos++;
            return lexError("Invalid character escape sequence: \\" + text(pos, pos + 5) + ".", pos - lineStart + 1);
          }
          sb.appendCodePoint(Integer.parseInt(hex, 16));
          pos += 6;
          continue;
        }
        switch (e) {
          case '"', '/', '\\' -> sb.appendCodePoint(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          default -> {
            pos++;
            return lexError("Invalid character escape sequence: \\" + Character.toString(e) + ".", pos - lineStart + 1);
          }
        }
        pos += 2;
        continue;
      }
      sb.appendCodePoint(c);
      pos++;
    }
    return lexError("Unterminated string.", pos - lineStart + 1);
  }

  private Token blockString(int start) {
    int col = start + 3 - lineStart + 1;
    int startLine = line;
    pos += 2;
    StringBuilder sb = new StringBuilder();
    while (pos < src.length) {
      int c = src[pos];
      if (c == '"' && pos + 2 < src.length && src[pos + 1] == '"' && src[pos + 2] == '"') {
        pos += 3;
        return new Token(Kind.BLOCK_STRING, blockStringValue(sb.toString()), startLine, col, null);
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return lexError(String.format("Invalid character within String: \"\\u%04d\".", c), pos - lineStart + 1);
      }
      if (c == '\\' && pos + 3 < src.length && src[pos + 1] == '"' && src[pos + 2] == '"' && src[pos + 3] == '"') {
        sb.append("\"\"\"");
        pos += 4;
      } else if (c == '\r') {
        if (pos + 1 < src.length && src[pos + 1] == '\n') {
          pos++;
        }
        sb.append('\n');
        pos++;
        line++;
        lineStart = pos;
      } else {
        sb.appendCodePoint(c);
        pos++;
        if (c == '\n') {
          line++;
          lineStart = pos;
        }
      }
    }
    return lexError("Unterminated string.", pos - lineStart + 1);
  }

  /** The spec's block string value: common indentation and blank first/last lines removed. */
  static String blockStringValue(String raw) {
    String[] lines = raw.split("\n", -1);
    int common = Integer.MAX_VALUE;
    for (int i = 1; i < lines.length; i++) {
      int indent = leadingWhitespace(lines[i]);
      if (indent < lines[i].length() && indent < common) {
        common = indent;
      }
    }
    if (common != Integer.MAX_VALUE) {
      for (int i = 1; i < lines.length; i++) {
        lines[i] = lines[i].length() < common ? "" : lines[i].substring(common);
      }
    }
    int from = 0;
    int to = lines.length;
    while (from < to && leadingWhitespace(lines[from]) == lines[from].length()) {
      from++;
    }
    while (to > from && leadingWhitespace(lines[to - 1]) == lines[to - 1].length()) {
      to--;
    }
    return String.join("\n", java.util.Arrays.asList(lines).subList(from, to));
  }

  private static int leadingWhitespace(String s) {
    int i = 0;
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  // ---- parser plumbing ----

  private Token peek() {
    if (peeked == null) {
      peeked = readToken();
    }
    return peeked;
  }

  private Token next() throws GraphQlSyntaxException {
    Token t = peek();
    peeked = null;
    prev = t;
    if (t.error() != null) {
      throw new GraphQlSyntaxException(t.error(), t.line(), t.column());
    }
    return t;
  }

  private static GraphQlSyntaxException error(Token t, String message) {
    return new GraphQlSyntaxException(message, t.line(), t.column());
  }

  private GraphQlSyntaxException unexpected(Token t) {
    return error(t, "Unexpected " + t.describe());
  }

  private Token expect(Kind kind) throws GraphQlSyntaxException {
    Token t = peek();
    if (t.kind() == kind) {
      return next();
    }
    throw error(t, "Expected " + kind.text + ", found " + t.kind().text);
  }

  private void expectKeyword(String word) throws GraphQlSyntaxException {
    Token t = peek();
    if (t.kind() == Kind.NAME && t.value().equals(word)) {
      next();
      return;
    }
    throw error(t, "Expected " + GoFormat.quote(word) + ", found " + t.describe());
  }

  private boolean skip(Kind kind) throws GraphQlSyntaxException {
    if (peek().kind() != kind) {
      return false;
    }
    next();
    return true;
  }

  private interface Item {
    Value parse() throws GraphQlSyntaxException;
  }

  /** Zero or more items between delimiters, when the opening one is present. */
  private List<Value> many(Kind open, Kind close, Item item) throws GraphQlSyntaxException {
    List<Value> out = new ArrayList<>();
    if (!skip(open)) {
      return out;
    }
    while (peek().kind() != close) {
      out.add(item.parse());
    }
    next();
    return out;
  }

  /** One or more items between delimiters, when the opening one is present. */
  private List<Value> some(Kind open, Kind close, Item item) throws GraphQlSyntaxException {
    List<Value> out = new ArrayList<>();
    if (!skip(open)) {
      return out;
    }
    while (peek().kind() != close) {
      out.add(item.parse());
    }
    if (out.isEmpty()) {
      throw error(peek(), "expected at least one definition, found " + peek().kind().text);
    }
    next();
    return out;
  }

  private String name() throws GraphQlSyntaxException {
    return expect(Kind.NAME).value();
  }

  private static final class Node {
    private final LinkedHashMap<String, Value> fields = new LinkedHashMap<>();

    Node put(String key, Value v) {
      fields.put(key, v == null ? NullValue.INSTANCE : v);
      return this;
    }

    Node put(String key, String s) {
      return put(key, StringValue.of(s));
    }

    Node put(String key, List<Value> items) {
      return put(key, ArrayValue.of(items));
    }

    Node put(String key, boolean b) {
      return put(key, BooleanValue.of(b));
    }

    Value build() {
      ObjectValue.Builder b = ObjectValue.builder();
      fields.forEach(b::put);
      return b.build();
    }
  }

  private static List<Value> strings(List<String> items) {
    List<Value> out = new ArrayList<>(items.size());
    for (String s : items) {
      out.add(StringValue.of(s));
    }
    return out;
  }

  // ---- queries ----

  private Value queryDocument() throws GraphQlSyntaxException {
    List<Value> operations = new ArrayList<>();
    List<Value> fragments = new ArrayList<>();
    while (peek().kind() != Kind.EOF) {
      Token t = peek();
      if (t.kind() == Kind.NAME) {
        switch (t.value()) {
          case "query", "mutation", "subscription" -> operations.add(operationDefinition());
          case "fragment" -> fragments.add(fragmentDefinition());
          default -> throw unexpected(t);
        }
      } else if (t.kind() == Kind.BRACE_L) {
        operations.add(operationDefinition());
      } else {
        throw unexpected(t);
      }
    }
    return new Node().put("Operations", operations).put("Fragments", fragments).build();
  }

  private Value operationDefinition() throws GraphQlSyntaxException {
    if (peek().kind() == Kind.BRACE_L) {
      return new Node().put("Operation", "query").put("Name", "").put("VariableDefinitions", List.of())
          .put("Directives", List.of()).put("SelectionSet", requiredSelectionSet()).build();
    }
    Node op = new Node().put("Operation", operationType());
    op.put("Name", peek().kind() == Kind.NAME ? next().value() : "");
    op.put("VariableDefinitions", variableDefinitions());
    op.put("Directives", directives(false));
    op.put("SelectionSet", requiredSelectionSet());
    return op.build();
  }

  private String operationType() throws GraphQlSyntaxException {
    Token t = next();
    return switch (t.value()) {
      case "query", "mutation", "subscription" -> t.value();
      default -> throw unexpected(t);
    };
  }

  private List<Value> variableDefinitions() throws GraphQlSyntaxException {
    return many(Kind.PAREN_L, Kind.PAREN_R, () -> {
      Node def = new Node().put("Variable", variable());
      expect(Kind.COLON);
      def.put("Type", typeReference());
      def.put("DefaultValue", skip(Kind.EQUALS) ? valueLiteral(true) : null);
      def.put("Directives", directives(false));
      def.put("Used", false);
      return def.build();
    });
  }

  private String variable() throws GraphQlSyntaxException {
    expect(Kind.DOLLAR);
    return name();
  }

  private List<Value> requiredSelectionSet() throws GraphQlSyntaxException {
    if (peek().kind() != Kind.BRACE_L) {
      throw error(peek(), "Expected {, found " + peek().kind().text);
    }
    return some(Kind.BRACE_L, Kind.BRACE_R, this::selection);
  }

  private Value selection() throws GraphQlSyntaxException {
    return peek().kind() == Kind.SPREAD ? fragment() : field();
  }

  private Value field() throws GraphQlSyntaxException {
    String alias = name();
    String fieldName = skip(Kind.COLON) ? name() : alias;
    Node f = new Node().put("Alias", alias).put("Name", fieldName);
    f.put("Arguments", arguments(false));
    f.put("Directives", directives(false));
    f.put("SelectionSet", peek().kind() == Kind.BRACE_L ? some(Kind.BRACE_L, Kind.BRACE_R, this::selection) : List.of());
    return f.build();
  }

  private List<Value> arguments(boolean isConst) throws GraphQlSyntaxException {
    return many(Kind.PAREN_L, Kind.PAREN_R, () -> {
      Node a = new Node().put("Name", name());
      expect(Kind.COLON);
      return a.put("Value", valueLiteral(isConst)).build();
    });
  }

  private Value fragment() throws GraphQlSyntaxException {
    expect(Kind.SPREAD);
    Token t = peek();
    if (t.kind() == Kind.NAME && !t.value().equals("on")) {
      return new Node().put("Name", fragmentName()).put("Directives", directives(false)).build();
    }
    Node inline = new Node();
    String typeCondition = "";
    if (peek().value().equals("on")) {
      next();
      typeCondition = name();
    }
    inline.put("TypeCondition", typeCondition);
    inline.put("Directives", directives(false));
    inline.put("SelectionSet", requiredSelectionSet());
    return inline.build();
  }

  private Value fragmentDefinition() throws GraphQlSyntaxException {
    expectKeyword("fragment");
    Node def = new Node().put("Name", fragmentName());
    def.put("VariableDefinition", variableDefinitions());
    expectKeyword("on");
    def.put("TypeCondition", name());
    def.put("Directives", directives(false));
    def.put("SelectionSet", requiredSelectionSet());
    return def.build();
  }

  private String fragmentName() throws GraphQlSyntaxException {
    if (peek().value().equals("on")) {
      throw unexpected(peek());
    }
    return name();
  }

  private Value valueLiteral(boolean isConst) throws GraphQlSyntaxException {
    Token t = peek();
    int kind;
    switch (t.kind()) {
      case BRACKET_L -> {
        List<Value> items = many(Kind.BRACKET_L, Kind.BRACKET_R,
            () -> new Node().put("Name", "").put("Value", valueLiteral(isConst)).build());
        return value(LIST_VALUE, "", items);
      }
      case BRACE_L -> {
        List<Value> fields = many(Kind.BRACE_L, Kind.BRACE_R, () -> {
          Node f = new Node().put("Name", name());
          expect(Kind.COLON);
          return f.put("Value", valueLiteral(isConst)).build();
        });
        return value(OBJECT_VALUE, "", fields);
      }
      case DOLLAR -> {
        if (isConst) {
          throw unexpected(t);
        }
        return value(VARIABLE, variable(), List.of());
      }
      case INT -> kind = INT_VALUE;
      case FLOAT -> kind = FLOAT_VALUE;
      case STRING -> kind = STRING_VALUE;
      case BLOCK_STRING -> kind = BLOCK_VALUE;
      case NAME -> kind = switch (t.value()) {
        case "true", "false" -> BOOLEAN_VALUE;
        case "null" -> NULL_VALUE;
        default -> ENUM_VALUE;
      };
      default -> throw unexpected(t);
    }
    next();
    return value(kind, t.value(), List.of());
  }

  private static Value value(int kind, String raw, List<Value> children) {
    return new Node().put("Raw", raw).put("Children", children).put("Kind", NumberValue.of(kind)).build();
  }

  private List<Value> directives(boolean isConst) throws GraphQlSyntaxException {
    List<Value> out = new ArrayList<>();
    while (peek().kind() == Kind.AT) {
      expect(Kind.AT);
      Node d = new Node().put("Name", name());
      d.put("Arguments", arguments(isConst));
      d.put("Location", "");
      out.add(d.build());
    }
    return out;
  }

  private Value typeReference() throws GraphQlSyntaxException {
    Node t = new Node();
    if (skip(Kind.BRACKET_L)) {
      t.put("NamedType", "");
      t.put("Elem", typeReference());
      expect(Kind.BRACKET_R);
    } else {
      t.put("NamedType", name());
      t.put("Elem", (Value) null);
    }
    t.put("NonNull", skip(Kind.BANG));
    return t.build();
  }

  // ---- schemas ----

  private Value schemaDocument() throws GraphQlSyntaxException {
    List<Value> schema = new ArrayList<>();
    List<Value> schemaExtension = new ArrayList<>();
    List<Value> directives = new ArrayList<>();
    List<Value> definitions = new ArrayList<>();
    List<Value> extensions = new ArrayList<>();
    while (peek().kind() != Kind.EOF) {
      String description = "";
      if (peek().kind() == Kind.BLOCK_STRING || peek().kind() == Kind.STRING) {
        description = next().value();
      }
      Token t = peek();
      if (t.kind() != Kind.NAME) {
        throw unexpected(t);
      }
      switch (t.value()) {
        case "scalar", "type", "interface", "union", "enum", "input" -> definitions.add(typeDefinition(description, false));
        case "schema" -> {
          expectKeyword("schema");
          schema.add(schemaDefinition(description, false));
        }
        case "directive" -> directives.add(directiveDefinition(description));
        case "extend" -> {
          if (!description.isEmpty()) {
            throw unexpected(prev);
          }
          expectKeyword("extend");
          if (peek().value().equals("schema")) {
            expectKeyword("schema");
            schemaExtension.add(schemaDefinition("", true));
          } else if (Set.of("scalar", "type", "interface", "union", "enum", "input").contains(peek().value())) {
            extensions.add(typeDefinition("", true));
          } else {
            throw unexpected(peek());
          }
        }
        default -> throw unexpected(t);
      }
    }
    return new Node().put("Schema", schema).put("SchemaExtension", schemaExtension).put("Directives", directives)
        .put("Definitions", definitions).put("Extensions", extensions).build();
  }

  private Value schemaDefinition(String description, boolean extension) throws GraphQlSyntaxException {
    Node def = new Node().put("Description", description);
    List<Value> dirs = directives(true);
    def.put("Directives", dirs);
    List<Value> ops = some(Kind.BRACE_L, Kind.BRACE_R, () -> {
      Node op = new Node().put("Operation", operationType());
      expect(Kind.COLON);
      return op.put("Type", name()).build();
    });
    if (extension && dirs.isEmpty() && ops.isEmpty()) {
      throw unexpected(peek());
    }
    return def.put("OperationTypes", ops).build();
  }

  /** A type definition or extension (extensions have no description and must add something). */
  private Value typeDefinition(String description, boolean extension) throws GraphQlSyntaxException {
    String keyword = peek().value();
    expectKeyword(keyword);
    String kind = switch (keyword) {
      case "scalar" -> "SCALAR";
      case "type" -> "OBJECT";
      case "interface" -> "INTERFACE";
      case "union" -> "UNION";
      case "enum" -> "ENUM";
      default -> "INPUT_OBJECT";
    };
    Node def = new Node().put("Kind", kind).put("Description", description).put("Name", name());
    List<Value> interfaces = List.of();
    if (keyword.equals("type") || (keyword.equals("interface") && !extension)) {
      interfaces = implementsInterfaces();
    }
    List<Value> dirs = directives(!(extension && keyword.equals("input")));
    List<Value> fields = List.of();
    List<Value> types = List.of();
    List<Value> enumValues = List.of();
    switch (keyword) {
      case "type", "interface" -> fields = some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition);
      case "input" -> fields = some(Kind.BRACE_L, Kind.BRACE_R, this::inputValueDefinition);
      case "union" -> types = unionMembers();
      case "enum" -> enumValues = some(Kind.BRACE_L, Kind.BRACE_R, () -> new Node()
          .put("Description", description())
          .put("Name", name())
          .put("Directives", directives(true)).build());
      default -> { }
    }
    if (extension && interfaces.isEmpty() && dirs.isEmpty() && fields.isEmpty() && types.isEmpty()
        && enumValues.isEmpty()) {
      throw unexpected(peek());
    }
    return def.put("Directives", dirs).put("Interfaces", interfaces).put("Fields", fields).put("Types", types)
        .put("EnumValues", enumValues).put("BuiltIn", false).build();
  }

  private String description() throws GraphQlSyntaxException {
    Kind k = peek().kind();
    return k == Kind.STRING || k == Kind.BLOCK_STRING ? next().value() : "";
  }

  private List<Value> implementsInterfaces() throws GraphQlSyntaxException {
    List<String> out = new ArrayList<>();
    if (peek().value().equals("implements")) {
      next();
      skip(Kind.AMP);
      out.add(name());
      while (skip(Kind.AMP)) {
        out.add(name());
      }
    }
    return strings(out);
  }

  private List<Value> unionMembers() throws GraphQlSyntaxException {
    List<String> out = new ArrayList<>();
    if (skip(Kind.EQUALS)) {
      skip(Kind.PIPE);
      out.add(name());
      while (skip(Kind.PIPE)) {
        out.add(name());
      }
    }
    return strings(out);
  }

  private Value fieldDefinition() throws GraphQlSyntaxException {
    Node def = new Node().put("Description", description()).put("Name", name());
    def.put("Arguments", some(Kind.PAREN_L, Kind.PAREN_R, this::inputValueDefinition));
    expect(Kind.COLON);
    def.put("Type", typeReference());
    def.put("Directives", directives(true));
    return def.build();
  }

  /** An argument or input field: name, type, optional default value and directives. */
  private Value inputValueDefinition() throws GraphQlSyntaxException {
    Node def = new Node().put("Description", description()).put("Name", name());
    expect(Kind.COLON);
    def.put("Type", typeReference());
    def.put("DefaultValue", skip(Kind.EQUALS) ? valueLiteral(true) : null);
    def.put("Directives", directives(true));
    return def.build();
  }

  private Value directiveDefinition(String description) throws GraphQlSyntaxException {
    expectKeyword("directive");
    expect(Kind.AT);
    Node def = new Node().put("Description", description).put("Name", name());
    def.put("Arguments", some(Kind.PAREN_L, Kind.PAREN_R, this::inputValueDefinition));
    boolean repeatable = false;
    if (peek().kind() == Kind.NAME && peek().value().equals("repeatable")) {
      next();
      repeatable = true;
    }
    expectKeyword("on");
    List<String> locations = new ArrayList<>();
    skip(Kind.PIPE);
    locations.add(directiveLocation());
    while (skip(Kind.PIPE)) {
      locations.add(directiveLocation());
    }
    return def.put("Locations", strings(locations)).put("IsRepeatable", repeatable).build();
  }

  private String directiveLocation() throws GraphQlSyntaxException {
    Token t = expect(Kind.NAME);
    if (!LOCATIONS.contains(t.value())) {
      throw unexpected(t);
    }
    return t.value();
  }

  // ---- output ----

  /** Drops nulls and (recursively) empty objects and arrays, as OPA does with the AST. */
  static Value prune(Value v) {
    return switch (v) {
      case ObjectValue o -> {
        LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : o.asMap().entrySet()) {
          Value x = keep(e.getValue());
          if (x != null) {
            out.put(e.getKey(), x);
          }
        }
        yield ObjectValue.of(out);
      }
      case ArrayValue a -> {
        List<Value> out = new ArrayList<>();
        for (Value item : a.asList()) {
          Value x = keep(item);
          if (x != null) {
            out.add(x);
          }
        }
        yield ArrayValue.of(out);
      }
      default -> v;
    };
  }

  private static Value keep(Value v) {
    if (v instanceof NullValue) {
      return null;
    }
    if (v instanceof ObjectValue || v instanceof ArrayValue) {
      Value p = prune(v);
      boolean empty = p instanceof ObjectValue po ? po.isEmpty() : ((ArrayValue) p).isEmpty();
      return empty ? null : p;
    }
    return v;
  }
}
