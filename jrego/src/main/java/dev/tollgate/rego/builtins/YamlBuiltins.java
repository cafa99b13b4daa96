package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * {@code yaml.unmarshal}, {@code yaml.is_valid} and {@code yaml.marshal}. OPA goes through Go's
 * yaml.v2 and JSON; here SnakeYAML supplies the document structure and plain scalars are typed
 * with yaml.v2's rules (YAML 1.1 booleans such as {@code yes}, Go integer syntax, timestamps
 * left as strings).
 */
final class YamlBuiltins {
  private static final int MAX_DEPTH = 1000;
  private static final Pattern YAML_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  private static final Pattern EXPECTED = Pattern.compile("expected (.*), but (?:got|found) .*", Pattern.DOTALL);
  private static final Set<String> TRUE = Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
  private static final Set<String> FALSE = Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
  private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");

  private YamlBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("yaml.unmarshal", 1, (ctx, a) -> parse(Args.string(a, 0)));
    r.function("yaml.is_valid", 1, (ctx, a) -> {
      if (!(a[0] instanceof StringValue s)) {
        return BooleanValue.FALSE;
      }
      try {
        parse(s.value());
        return BooleanValue.TRUE;
      } catch (BuiltinException e) {
        return BooleanValue.FALSE;
      }
    });
    r.function("yaml.marshal", 1, (ctx, a) -> StringValue.of(YamlWriter.write(a[0])));
  }

  /** Scalars are left untyped by the parser; {@link #scalar} types them the way yaml.v2 does. */
  private static final class UntypedResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {}
  }

  /** The first document; later documents must parse too. An empty text is null. */
  static Value parse(String text) throws BuiltinException {
    LoaderOptions opts = new LoaderOptions();
    opts.setAllowDuplicateKeys(true);
    opts.setCodePointLimit(64 * 1024 * 1024);
    Yaml yaml = new Yaml(new SafeConstructor(opts), new Representer(new DumperOptions()),
        new DumperOptions(), opts, new UntypedResolver());
    try {
      Value first = null;
      boolean any = false;
      for (Iterator<Node> it = yaml.composeAll(new StringReader(text)).iterator(); it.hasNext(); ) {
        Node doc = it.next();
        Value v = convert(doc, 0);
        if (!any) {
          first = v;
          any = true;
        }
      }
      return any ? first : NullValue.INSTANCE;
    } catch (MarkedYAMLException e) {
      throw BuiltinException.failure(describe(e));
    } catch (YAMLException e) {
      throw BuiltinException.failure("yaml: " + e.getMessage());
    }
  }

  /** libyaml's wording, which OPA surfaces: {@code yaml: line 1: did not find expected ',' or ']'}. */
  private static String describe(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? e.getMessage() : e.getProblem().strip();
    Matcher m = EXPECTED.matcher(problem);
    if (m.matches()) {
      problem = "did not find expected " + m.group(1);
    }
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    return mark == null ? "yaml: " + problem : "yaml: line " + (mark.getLine() + 1) + ": " + problem;
  }

  private static Value convert(Node node, int depth) throws BuiltinException {
    if (depth > MAX_DEPTH) {
      throw BuiltinException.failure("yaml: document nested too deeply");
    }
    return switch (node) {
      case ScalarNode s -> scalar(s);
      case SequenceNode s -> {
        List<Value> items = new ArrayList<>(s.getValue().size());
        for (Node n : s.getValue()) {
          items.add(convert(n, depth + 1));
        }
        yield ArrayValue.of(items);
      }
      case MappingNode m -> {
        LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
        mapping(m, out, depth);
        yield ObjectValue.of(out);
      }
      default -> throw BuiltinException.failure("yaml: unsupported node " + node.getNodeId());
    };
  }

  private static void mapping(MappingNode m, Map<Value, Value> out, int depth) throws BuiltinException {
    List<NodeTuple> merges = new ArrayList<>();
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.isPlain() && k.getValue().equals("<<")) {
        merges.add(t);
        continue;
      }
      out.put(StringValue.of(key(t.getKeyNode(), depth)), convert(t.getValueNode(), depth + 1));
    }
    // Merge keys ("<<") fill in only what the mapping does not set itself.
    for (NodeTuple t : merges) {
      List<Node> sources = t.getValueNode() instanceof SequenceNode s ? s.getValue() : List.of(t.getValueNode());
      for (Node src : sources) {
        if (!(src instanceof MappingNode sm)) {
          throw BuiltinException.failure("yaml: map merge requires map or sequence of maps as the value");
        }
        LinkedHashMap<Value, Value> merged = new LinkedHashMap<>();
        mapping(sm, merged, depth + 1);
        merged.forEach(out::putIfAbsent);
      }
    }
  }

  /** Keys become strings as they do on the way to JSON: {@code 1: x} has key "1". */
  private static String key(Node node, int depth) throws BuiltinException {
    Value k = convert(node, depth + 1);
    return switch (k) {
      case StringValue s -> s.value();
      case NullValue n -> "null";
      case BooleanValue b -> Boolean.toString(b.value());
      case NumberValue n -> n.toString();
      default -> throw BuiltinException.failure("yaml: unsupported map key of type " + k.typeName());
    };
  }

  private static Value scalar(ScalarNode s) throws BuiltinException {
    if (!s.isPlain()) {
      return StringValue.of(s.getValue());
    }
    if (Tag.NULL.equals(s.getTag())) {
      return NullValue.INSTANCE;
    }
    Value v = resolvePlain(s.getValue());
    if (v == null) {
      throw BuiltinException.failure("json: unsupported value: " + s.getValue());
    }
    return v;
  }

  /** The value of an unquoted scalar under yaml.v2's rules; null for infinities and NaN. */
  static Value resolvePlain(String text) {
    if (NULL.contains(text)) {
      return NullValue.INSTANCE;
    }
    if (TRUE.contains(text)) {
      return BooleanValue.TRUE;
    }
    if (FALSE.contains(text)) {
      return BooleanValue.FALSE;
    }
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    if (lower.equals(".inf") || lower.equals("+.inf") || lower.equals("-.inf") || lower.equals(".nan")) {
      return null;
    }
    char c = text.charAt(0);
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
      String plain = text.replace("_", "");
      BigInteger i = goParseInt(plain);
      if (i != null) {
        return NumberValue.of(i);
      }
      if (YAML_FLOAT.matcher(plain).matches()) {
        return NumberValue.of(new BigDecimal(plain.startsWith("+") ? plain.substring(1) : plain));
      }
    }
    return StringValue.of(text);
  }

  /** Go's {@code strconv.ParseInt(s, 0, 64)}/{@code ParseUint}: 0x, 0o, 0b prefixes and a leading 0 for octal. */
  private static BigInteger goParseInt(String s) {
    String t = s;
    boolean negative = false;
    if (t.startsWith("+") || t.startsWith("-")) {
      negative = t.startsWith("-");
      t = t.substring(1);
    }
    if (t.isEmpty()) {
      return null;
    }
    int radix = 10;
    if (t.length() > 2 && t.charAt(0) == '0' && "xXoObB".indexOf(t.charAt(1)) >= 0) {
      radix = switch (Character.toLowerCase(t.charAt(1))) {
        case 'x' -> 16;
        case 'o' -> 8;
        default -> 2;
      };
      t = t.substring(2);
    } else if (t.length() > 1 && t.charAt(0) == '0') {
      radix = 8;
      t = t.substring(1);
    }
    for (int i = 0; i < t.length(); i++) {
      if (Character.digit(t.charAt(i), radix) < 0 || t.charAt(i) > 0x7f) {
        return null;
      }
    }
    BigInteger v = new BigInteger(t, radix);
    if (negative) {
      v = v.negate();
    }
    // Beyond int64/uint64 yaml.v2 falls back to a float; keeping the integer exact is closer to the text.
    return v;
  }
}
