package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.util.HashMap;
import java.util.Map;
import java.io.IOException;
import org.yaml.snakeyaml.LoaderOptions;

/** Parses JSON and YAML bundle documents into Jackson trees, with file and line in errors. */
final class Documents {
  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxNestingDepth(1000)
          .maxNumberLength(10_000)
          .maxStringLength(Integer.MAX_VALUE)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectMapper json;
  private final ObjectMapper yaml;

  Documents(BundleLimits limits) {
    JsonFactory jf = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    json = configure(new ObjectMapper(jf));
    LoaderOptions loader = new LoaderOptions();
    // SnakeYAML caps documents at 3 MB by default; the bundle limits decide instead.
    loader.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()));
    YAMLFactory yf =
        YAMLFactory.builder()
            .loaderOptions(loader)
            .streamReadConstraints(CONSTRAINTS)
            // A plain empty scalar ("key:") is null in YAML; quoted "" stays a string.
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();
    yaml = configure(new ObjectMapper(yf));
  }

  private static ObjectMapper configure(ObjectMapper m) {
    m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    m.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    return m;
  }

  JsonNode parseJson(String path, byte[] bytes) throws BundleException {
    return parse(json, "JSON", path, bytes);
  }

  /**
   * Parses the first YAML document (as OPA does). Jackson's tree reader would turn an alias
   * ({@code *name}) into the string "name"; this reader expands aliases as YAML means them, with
   * a budget on the nodes expansion may create so that nested aliases cannot explode.
   */
  JsonNode parseYaml(String path, byte[] bytes) throws BundleException {
    try (YAMLParser p = (YAMLParser) yaml.getFactory().createParser(bytes)) {
      if (p.nextToken() == null) {
        return NODES.nullNode(); // an empty YAML document is null, as in OPA
      }
      // Aliases may add about as many values as the text itself could spell out.
      return JsonTrees.withWellFormedStrings(new YamlTree(p, path, Math.max(10_000, bytes.length)).value());
    } catch (JsonProcessingException e) {
      throw BundleException.at(path, "invalid YAML" + where(e.getLocation()) + ": "
          + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw BundleException.at(path, "invalid YAML: " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      // SnakeYAML reports some violations (limits, bad numbers) unchecked.
      throw BundleException.at(path, "invalid YAML: " + firstLine(e.getMessage()));
    }
  }

  /** Builds a tree from YAML events, expanding aliases within a budget of added values. */
  private static final class YamlTree {
    private final YAMLParser p;
    private final String path;
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final long limit;
    private long budget;

    YamlTree(YAMLParser p, String path, long budget) {
      this.limit = budget;
      this.p = p;
      this.path = path;
      this.budget = budget;
    }

    JsonNode value() throws IOException, BundleException {
      Object anchor = p.getObjectId();
      JsonNode node = switch (p.currentToken()) {
        case START_OBJECT -> {
          ObjectNode o = NODES.objectNode();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            o.set(key, value());
          }
          yield o;
        }
        case START_ARRAY -> {
          ArrayNode a = NODES.arrayNode();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            a.add(value());
          }
          yield a;
        }
        case VALUE_STRING -> {
          if (p.isCurrentAlias()) {
            JsonNode target = anchors.get(p.getText());
            if (target == null) {
              throw BundleException.at(path, "invalid YAML" + where(p.currentLocation())
                  + ": unknown alias '*" + p.getText() + "'");
            }
            spend(size(target));
            yield target.deepCopy();
          }
          yield NODES.textNode(p.getText());
        }
        case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
        case VALUE_NUMBER_FLOAT -> {
          try {
            yield DecimalNode.valueOf(p.getDecimalValue());
          } catch (NumberFormatException e) {
            throw BundleException.at(path, "invalid YAML" + where(p.currentLocation())
                + ": number '" + p.getText() + "' has no JSON form");
          }
        }
        case VALUE_TRUE -> NODES.booleanNode(true);
        case VALUE_FALSE -> NODES.booleanNode(false);
        case VALUE_NULL -> NODES.nullNode();
        default -> throw BundleException.at(path, "invalid YAML" + where(p.currentLocation())
            + ": unexpected " + p.currentToken());
      };
      if (anchor != null) {
        anchors.put(anchor.toString(), node);
      }
      return node;
    }

    private void spend(long nodes) throws BundleException {
      budget -= nodes;
      if (budget < 0) {
        throw BundleException.at(path, "YAML aliases expand to more than " + limit
            + " values");
      }
    }

    private static long size(JsonNode n) {
      long s = 1;
      for (JsonNode c : n) {
        s += size(c);
      }
      return s;
    }
  }

  private static JsonNode parse(ObjectMapper mapper, String kind, String path, byte[] bytes)
      throws BundleException {
    try {
      JsonNode node = mapper.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw BundleException.at(path, "invalid " + kind + ": empty document");
      }
      // Lone surrogates become U+FFFD at load time, as OPA loads them and as FileHasher hashes them.
      return JsonTrees.withWellFormedStrings(node);
    } catch (JsonProcessingException e) {
      throw BundleException.at(path, "invalid " + kind + where(e.getLocation()) + ": "
          + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw BundleException.at(path, "invalid " + kind + ": " + firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      // SnakeYAML reports some limit violations (aliases, code points) unchecked.
      throw BundleException.at(path, "invalid " + kind + ": " + firstLine(e.getMessage()));
    }
  }

  /** A streaming JSON parser for the canonical hash, which needs number literals verbatim. */
  JsonParser jsonParser(byte[] bytes) throws IOException {
    return json.getFactory().createParser(bytes);
  }

  static String where(JsonLocation loc) {
    if (loc == null || loc.getLineNr() <= 0) {
      return "";
    }
    return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  static String firstLine(String s) {
    if (s == null) {
      return "unreadable document";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
