package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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

  private final ObjectMapper json;
  private final ObjectMapper yaml;

  Documents(BundleLimits limits) {
    JsonFactory jf = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    json = configure(new ObjectMapper(jf));
    LoaderOptions loader = new LoaderOptions();
    // SnakeYAML caps documents at 3 MB by default; the bundle limits decide instead.
    loader.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()));
    loader.setMaxAliasesForCollections(50);
    YAMLFactory yf =
        YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(CONSTRAINTS).build();
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

  JsonNode parseYaml(String path, byte[] bytes) throws BundleException {
    return parse(yaml, "YAML", path, bytes);
  }

  private static JsonNode parse(ObjectMapper mapper, String kind, String path, byte[] bytes)
      throws BundleException {
    try {
      JsonNode node = mapper.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw BundleException.at(path, "invalid " + kind + ": empty document");
      }
      return node;
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
