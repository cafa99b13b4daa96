package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Digests of bundle files, checked against canonical forms written out by hand. */
class FileHasherTest {
  private static final Documents DOCS = new Documents(BundleLimits.DEFAULT);

  static Stream<Arguments> canonicalForms() {
    return Stream.of(
        Arguments.of("/data.json", "{ \"b\": [1, 2.50, 1e3], \"a\": \"x\" }",
            "{\"a\":\"x\",\"b\":[1,2.50,1e3]}"),
        Arguments.of("/x/data.json", "{\"html\": \"<a href='x'>&</a>\"}",
            "{\"html\":\"<a href='x'>&</a>\"}"),
        Arguments.of("/data.json", "{\"s\": \"tab\\tnl\\nquote\\\"bs\\\\ctl\\u0001\\u2028\"}",
            "{\"s\":\"tab\\tnl\\nquote\\\"bs\\\\ctl\\u0001\\u2028\"}"),
        // Keys sort by UTF-8 bytes: U+FF21 before U+1F600, though UTF-16 order says otherwise.
        Arguments.of("/data.json", "{\"\uD83D\uDE00\": 1, \"\uFF21\": 2, \"z\": null, \"B\": true}",
            "{\"B\":true,\"z\":null,\"\uFF21\":2,\"\uD83D\uDE00\":1}"),
        Arguments.of("/.manifest", "{\"roots\": [\"a\"], \"revision\": \"7\", \"metadata\": {}}",
            "{\"metadata\":{},\"revision\":\"7\",\"roots\":[\"a\"]}"),
        Arguments.of("/data.yaml", "b: 1.0\na: [x, 2, 1e-7]\n", "{\"a\":[\"x\",2,1e-7],\"b\":1}"),
        // data.yml is not a structured name to OPA: hashed as bytes.
        Arguments.of("/data.yml", "b: 1\n", "b: 1\n"),
        Arguments.of("/p.rego", "package p\n", "package p\n"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("canonicalForms")
  void hashesOverTheCanonicalForm(String path, String content, String canonical) throws Exception {
    RawFile file = new RawFile(path, content.getBytes(StandardCharsets.UTF_8));
    String want = TestSigner.sha256(canonical.getBytes(StandardCharsets.UTF_8));
    assertEquals(want, HexFormat.of().formatHex(
        FileHasher.hash(FileHasher.Algorithm.SHA256, file, DOCS)));
  }

  /** Digests of "package p" computed outside Java (Python hashlib). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "MD5, 3730a08b0ac272e3b8ff69da58fbfcc6",
    "SHA-1, af90a49447bc17b417d8a5bb467ba5fe9d89f944",
    "SHA-224, d97566826b37429dad006cee68054f32221bed9363a54b5571b9d8f9",
    "SHA-512-224, bc2e5c9e3ce5e443680818f978b4d65434df47d8b49a24a4b2ba09cf",
    "SHA-512-256, 3cf56ba0c88fe9d4a0b1a0d06956fc291481ee3e6fdfa7c23e60e24cfcf1ca63",
  })
  void supportsEveryOpaHashName(String name, String hex) throws Exception {
    FileHasher.Algorithm alg = FileHasher.Algorithm.byOpaName(name);
    RawFile file = new RawFile("/x.rego", "package p".getBytes(StandardCharsets.UTF_8));
    assertEquals(hex, HexFormat.of().formatHex(FileHasher.hash(alg, file, DOCS)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "1.0, 1",
    "1.5, 1.5",
    "-0.25, -0.25",
    "123456789.0, 123456789",
    "0.000001, 0.000001",
    "0.0000001, 1e-7",
    "1e20, 100000000000000000000",
    "1e21, 1e+21",
    "1.2345e22, 1.2345e+22",
    "-3.5e-9, -3.5e-9",
  })
  void formatsYamlFloatsAsGoDoes(double value, String go) {
    assertEquals(go, FileHasher.goFloat(value));
  }
}
