package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BundleLoaderTest {
  // Parses expectations the way bundle data is parsed: decimals exactly as written.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature
          .STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  private static final byte[] WASM = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

  private final BundleLoader loader = new BundleLoader(BundleOptions.DEFAULT);

  /** The layout {@code opa build} writes: slash-rooted names, manifest, data, modules, wasm. */
  static final Map<String, String> LAYOUT = Map.of(
      "/.manifest", """
          {"revision": "rev-42", "roots": ["bank", "shared/"],
           "wasm": [{"entrypoint": "bank/a/allow", "module": "/policy.wasm"}],
           "metadata": {"team": "payments", "build": 7}}""",
      "/data.json", "{\"shared\": {\"limits\": {\"max\": 10}}}",
      "/bank/a/data.json", "{\"users\": [\"alice\"], \"tier\": \"gold\"}",
      "/bank/b/data.yaml", "users:\n  - bob\nratio: 1.50\n",
      "/bank/c/data.yml", "flag: true\n",
      "/bank/a/authz.rego", "# bank a\npackage bank.a\n\nallow if input.user == \"alice\"\n",
      "/shared/lib.rego", "package shared[\"lib\"]\n",
      "/README.md", "ignored by OPA, carried along\n");

  private static byte[] layoutArchive() {
    TarGz tar = TarGz.archive();
    LAYOUT.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> tar.file(e.getKey(), e.getValue()));
    tar.file("/policy.wasm", WASM);
    return tar.build();
  }

  @Test
  void loadsOpaBuildLayout() throws Exception {
    Bundle b = loader.loadArchive(layoutArchive(), "test.tar.gz");
    assertLayout(b);
  }

  @Test
  void loadsTheSameLayoutFromADirectory(@TempDir Path dir) throws Exception {
    for (Map.Entry<String, String> e : LAYOUT.entrySet()) {
      Path p = dir.resolve(e.getKey().substring(1));
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
    }
    Files.write(dir.resolve("policy.wasm"), WASM);
    Bundle fromDir = loader.load(dir);
    assertLayout(fromDir);
    Bundle fromTar = loader.loadArchive(layoutArchive(), "x");
    assertEquals(fromTar.data(), fromDir.data());
    assertEquals(fromTar.manifest(), fromDir.manifest());
  }

  @Test
  void loadsAnArchiveFileByPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bundle.tar.gz");
    Files.write(file, layoutArchive());
    assertLayout(loader.load(file));
  }

  private static void assertLayout(Bundle b) throws IOException {
    assertEquals("rev-42", b.revision());
    assertEquals(List.of("bank", "shared"), b.roots());
    assertEquals(JSON.readTree("{\"team\": \"payments\", \"build\": 7}"), b.manifest().metadata());
    assertEquals(List.of(new Manifest.WasmResolver("bank/a/allow", "/policy.wasm")),
        b.manifest().wasm());
    assertEquals(1, b.wasmModules().size());
    assertEquals(List.of("bank/a/allow"), b.wasmModules().getFirst().entrypoints());
    assertArrayEquals(WASM, b.policyWasm().orElseThrow());
    assertEquals(JSON.readTree("""
        {"shared": {"limits": {"max": 10}},
         "bank": {"a": {"users": ["alice"], "tier": "gold"},
                  "b": {"users": ["bob"], "ratio": 1.50},
                  "c": {"flag": true}}}"""), b.data());
    assertEquals(List.of("/bank/a/authz.rego", "/shared/lib.rego"),
        b.modules().stream().map(RegoModule::path).sorted().toList());
    RegoModule a = b.modules().stream().filter(m -> m.path().equals("/bank/a/authz.rego"))
        .findFirst().orElseThrow();
    assertEquals(LAYOUT.get("/bank/a/authz.rego"), a.text());
    assertEquals(List.of("bank", "a"), a.packagePath());
    assertFalse(b.signatureVerified());
  }

  @Test
  void bundleWithoutManifestOwnsEverything() throws Exception {
    Bundle b = loader.loadArchive(TarGz.archive()
        .file("data.json", "{\"x\": 1}")
        .file("p.rego", "package anything.at.all")
        .build(), "t");
    assertEquals("", b.revision());
    assertEquals(List.of(""), b.roots());
    assertTrue(b.policyWasm().isEmpty());
  }

  static Stream<Arguments> entryNameForms() {
    return Stream.of(
        Arguments.of("slash-rooted (opa build)", TarGz.archive().file("/a/data.json", "1")),
        Arguments.of("dot-slash (GNU tar)", TarGz.archive().dir("./").dir("./a/")
            .file("./a/data.json", "1")),
        Arguments.of("plain relative", TarGz.archive().dir("a").file("a/data.json", "1")),
        Arguments.of("pre-POSIX directory entry", TarGz.archive()
            .entry("a/", '0', new byte[0], "", 0).file("a/data.json", "1")),
        Arguments.of("PAX long path", TarGz.archive().pax("a/data.json").file("ignored", "1")),
        Arguments.of("GNU long name", TarGz.archive().gnuLongName("a/data.json")
            .file("ignored", "1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entryNameForms")
  void acceptsTheEntryNameFormsTarToolsWrite(String form, TarGz archive) throws Exception {
    Bundle b = loader.loadArchive(archive.build(), form);
    assertEquals(Optional.of(JSON.readTree("1")), b.dataAt(List.of("a")));
  }

  @Test
  void consecutivePaxHeadersTheLastOneWins() throws Exception {
    Bundle b = loader.loadArchive(TarGz.archive().pax("first/data.json").pax("a/data.json")
        .file("ignored", "1").build(), "t");
    assertEquals(Optional.of(JSON.readTree("1")), b.dataAt(List.of("a")));
    assertEquals(Optional.empty(), b.dataAt(List.of("first")));
  }

  @Test
  void longNamesOverAHundredBytesRoundTrip() throws Exception {
    String dir = "d".repeat(60) + "/" + "e".repeat(60);
    Bundle b = loader.loadArchive(TarGz.archive().file("/" + dir + "/data.json", "[1]").build(),
        "t");
    assertEquals(Optional.of(JSON.readTree("[1]")), b.dataAt(List.of("d".repeat(60),
        "e".repeat(60))));
  }

  @Test
  void dataAndWasmAreCopiesSoTheBundleStaysUnchanged() throws Exception {
    Bundle b = loader.loadArchive(layoutArchive(), "t");
    b.data().put("injected", 1);
    b.policyWasm().orElseThrow()[0] = 9;
    b.manifest().metadata().put("injected", 1);
    assertFalse(b.data().has("injected"));
    assertArrayEquals(WASM, b.policyWasm().orElseThrow());
    assertFalse(b.manifest().metadata().has("injected"));
    assertThrows(UnsupportedOperationException.class, () -> b.modules().clear());
  }

  @Test
  void numbersKeepTheirPrecision() throws Exception {
    Bundle b = loader.loadArchive(TarGz.archive()
        .file("data.json", "{\"big\": 123456789012345678901234567890, \"dec\": 0.1000000000000000000001}")
        .build(), "t");
    assertEquals("123456789012345678901234567890", b.data().get("big").bigIntegerValue().toString());
    assertEquals("0.1000000000000000000001", b.data().get("dec").decimalValue().toPlainString());
  }

  static Stream<Arguments> ruleConflicts() {
    return Stream.of(
        Arguments.of(List.of("bank", "a", "allow"), null),
        Arguments.of(List.of("bank", "a", "users"), "conflicting rule for data path bank/a/users"),
        Arguments.of(List.of("bank", "a", "tier", "x"), "(data at bank/a/tier)"),
        Arguments.of(List.of("other", "allow"), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ruleConflicts")
  void rulesMustNotShadowData(List<String> rule, String error) throws Exception {
    Bundle b = loader.loadArchive(layoutArchive(), "t");
    if (error == null) {
      b.checkRuleConflicts(List.of(rule));
    } else {
      BundleException e = assertThrows(BundleException.class,
          () -> b.checkRuleConflicts(List.of(rule)));
      assertTrue(e.getMessage().contains(error), e.getMessage());
    }
  }

  @Test
  void emptyRootsOwnNothing() throws Exception {
    Bundle b = loader.loadArchive(TarGz.archive().file("/.manifest", "{\"roots\": []}").build(),
        "t");
    assertEquals(List.of(), b.roots());
    BundleException e = assertThrows(BundleException.class, () -> loader.loadArchive(
        TarGz.archive().file("/.manifest", "{\"roots\": []}").file("/a/data.json", "1").build(),
        "t"));
    assertTrue(e.getMessage().contains("do not permit data at path '/a'"), e.getMessage());
  }

  @Test
  void packageDeclaredAsDataPrefixIsTheSamePackage() throws Exception {
    Bundle b = loader.loadArchive(TarGz.archive()
        .file("/.manifest", "{\"roots\": [\"bank\"]}")
        .file("/x.rego", "package data.bank.x\n")
        .build(), "t");
    assertEquals(List.of("bank", "x"), b.modules().getFirst().packagePath());
  }

  @Test
  void regoModuleTextIsUtf8() throws Exception {
    String text = "package p\n# Zürich ✓\n";
    Bundle b = loader.loadArchive(TarGz.archive()
        .file("/p.rego", text.getBytes(StandardCharsets.UTF_8)).build(), "t");
    assertEquals(text, b.modules().getFirst().text());
  }

  @Test
  void theConfiguredPathMayBeASymlinkAsInKubernetesMounts(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("..2026_11_29/bundle"));
    Files.writeString(data.resolve(".manifest"), "{\"revision\": \"k8s\"}");
    Files.write(dir.resolve("..2026_11_29/bundle.tar.gz"), layoutArchive());
    Path dirLink = Files.createSymbolicLink(dir.resolve("bundle"), data);
    Path fileLink = Files.createSymbolicLink(dir.resolve("bundle.tar.gz"),
        dir.resolve("..2026_11_29/bundle.tar.gz"));
    assertEquals("k8s", loader.load(dirLink).revision());
    assertEquals("k8s", loader.loadDirectory(dirLink).revision());
    assertLayout(loader.load(fileLink));
  }

  @Test
  void missingSourceIsAClearError(@TempDir Path dir) {
    BundleException e = assertThrows(BundleException.class,
        () -> loader.load(dir.resolve("nope.tar.gz")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void dataAtFollowsObjects() throws Exception {
    Bundle b = loader.loadArchive(layoutArchive(), "t");
    assertEquals(Optional.of(JSON.readTree("\"gold\"")), b.dataAt(List.of("bank", "a", "tier")));
    assertEquals(Optional.empty(), b.dataAt(List.of("bank", "a", "tier", "deeper")));
    JsonNode all = b.dataAt(List.of()).orElseThrow();
    assertEquals(b.data(), all);
  }
}
