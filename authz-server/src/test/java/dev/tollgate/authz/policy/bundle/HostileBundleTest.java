package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bundles that must be refused, each with the entry named and the reason given. */
class HostileBundleTest {
  private static final BundleLimits SMALL = new BundleLimits(1024, 4096, 20);

  private static Arguments refuse(String what, Supplier<byte[]> archive, String entry,
      String reason) {
    return Arguments.of(what, archive, SMALL, entry, reason);
  }

  private static Arguments refuse(String what, Supplier<byte[]> archive, BundleLimits limits,
      String entry, String reason) {
    return Arguments.of(what, archive, limits, entry, reason);
  }

  private static Supplier<byte[]> tar(TarGz t) {
    return t::build;
  }

  private static Supplier<byte[]> withManifest(String manifest, TarGz rest) {
    return () -> rest.file("/.manifest", manifest).build();
  }

  static Stream<Arguments> hostileArchives() {
    String ten = "0123456789";
    return Stream.of(
        // --- names that could point outside the bundle
        refuse("parent traversal", tar(TarGz.archive().file("../evil.rego", "package x")),
            "../evil.rego", "escapes the bundle root"),
        refuse("nested traversal", tar(TarGz.archive().file("/a/../../etc/data.json", "{}")),
            "/a/../../etc/data.json", "escapes the bundle root"),
        refuse("absolute path", tar(TarGz.archive().file("//etc/passwd", "x")),
            "//etc/passwd", "absolute path"),
        refuse("backslash", tar(TarGz.archive().file("a\\..\\data.json", "{}")),
            "a\\..\\data.json", "backslash"),
        refuse("windows drive", tar(TarGz.archive().file("C:/x/data.json", "{}")),
            "C:/x/data.json", "Windows drive"),
        refuse("control character", tar(TarGz.archive().file("a\u0001b.rego", "package a")),
            "a\\x01b.rego", "control character"),
        refuse("empty segment", tar(TarGz.archive().file("a//data.json", "{}")),
            "a//data.json", "empty or '.' segment"),
        refuse("PAX path traversal", tar(TarGz.archive().pax("../../pax.rego").file("x", "1")),
            "../../pax.rego", "escapes the bundle root"),
        refuse("GNU long name traversal",
            tar(TarGz.archive().gnuLongName("../" + ten.repeat(11)).file("x", "1")),
            "../" + ten.repeat(11), "escapes the bundle root"),
        refuse("duplicate file", tar(TarGz.archive().file("/data.json", "{}").file("data.json",
            "{\"a\":1}")), "/data.json", "more than once"),
        // --- entry types
        refuse("symbolic link", tar(TarGz.archive().link("data.json", '2', "/etc/passwd")),
            "data.json", "symbolic link entries are not allowed (to /etc/passwd)"),
        refuse("hard link", tar(TarGz.archive().link("policy.rego", '1', "../../x")),
            "policy.rego", "hard link entries are not allowed"),
        refuse("character device", tar(TarGz.archive().link("tty", '3', "")),
            "tty", "device entries are not allowed"),
        refuse("block device", tar(TarGz.archive().link("sda", '4', "")),
            "sda", "device entries are not allowed"),
        refuse("fifo", tar(TarGz.archive().link("pipe", '6', "")), "pipe", "FIFO"),
        refuse("sparse file", tar(TarGz.archive().entry("s", 'S', new byte[0], "", 0)),
            "s", "sparse"),
        refuse("unknown type", tar(TarGz.archive().entry("v", 'V', new byte[0], "", 0)),
            "v", "unsupported archive entry type 'V'"),
        // --- sizes
        refuse("file over the per-file limit",
            tar(TarGz.archive().file("/big/data.json", "[" + "1,".repeat(600) + "1]")),
            "/big/data.json", "exceeds the limit of 1024 bytes (maxFileBytes)"),
        refuse("header claims a huge file",
            tar(TarGz.archive().entry("/huge.rego", '0', new byte[0], "", 1L << 33)),
            "/huge.rego", "exceeds the limit of 1024 bytes (maxFileBytes)"),
        refuse("files over the total limit", () -> {
          TarGz t = TarGz.archive();
          for (int i = 0; i < 5; i++) {
            t.file("/f" + i + ".txt", "x".repeat(1000));
          }
          return t.build();
        }, "/f4.txt", "exceeds the limit of 4096 bytes (maxTotalBytes)"),
        refuse("too many entries", () -> {
          TarGz t = TarGz.archive();
          for (int i = 0; i < 21; i++) {
            t.dir("d" + i + "/");
          }
          return t.build();
        }, null, "more than 20 entries"),
        refuse("gzip bomb in a directory entry's content",
            () -> TarGz.archive().entry("bomb/", '5', new byte[4 << 20], "", 4 << 20).build(),
            null, "decompressed archive exceeds"),
        refuse("oversized PAX header",
            tar(TarGz.archive().entry("p", 'x', new byte[0], "", 1 << 20)),
            "p", "PAX header of 1048576 bytes exceeds"),
        // --- corrupt archives
        refuse("not gzip", () -> "plain text".getBytes(StandardCharsets.UTF_8), null,
            "not a gzip-compressed archive"),
        refuse("truncated tar", () -> TarGz.gzip(java.util.Arrays.copyOf(
            TarGz.archive().file("/data.json", "{}").tar(), 700)), null, "truncated"),
        refuse("bad header checksum", tar(TarGz.archive().corruptHeader("data.json")), null,
            "bad tar header checksum"),
        // --- manifest and roots
        refuse("module outside roots", withManifest("{\"roots\": [\"bank/a\"]}",
            TarGz.archive().file("/bank/b/p.rego", "package bank.b\n")),
            "/bank/b/p.rego", "manifest roots [bank/a] do not permit package 'bank.b'"),
        refuse("data outside roots", withManifest("{\"roots\": [\"bank/a\"]}",
            TarGz.archive().file("/bank/b/data.json", "{\"x\": 1}")),
            null, "do not permit data at path '/bank/b'"),
        refuse("root data reaching outside roots", withManifest("{\"roots\": [\"a\"]}",
            TarGz.archive().file("/data.json", "{\"a\": 1, \"b\": 2}")),
            null, "do not permit data at path '/b'"),
        refuse("overlapping roots", withManifest("{\"roots\": [\"bank\", \"bank/a\"]}",
            TarGz.archive()), "/.manifest", "overlapped roots: 'bank' and 'bank/a'"),
        refuse("everything root overlaps any other", withManifest("{\"roots\": [\"\", \"x\"]}",
            TarGz.archive()), "/.manifest", "overlapped roots"),
        refuse("revision not a string", withManifest("{\"revision\": 7}", TarGz.archive()),
            "/.manifest", "'revision' must be a string"),
        refuse("manifest not JSON", withManifest("{revision: x}", TarGz.archive()),
            "/.manifest", "invalid JSON at line 1, column 2"),
        refuse("manifest below the root", tar(TarGz.archive().file("/a/.manifest", "{}")),
            "/a/.manifest", "must be at the bundle root"),
        refuse("wasm module missing", withManifest(
            "{\"wasm\": [{\"entrypoint\": \"a/allow\", \"module\": \"/policy.wasm\"}]}",
            TarGz.archive()), "/.manifest", "wasm module '/policy.wasm' but the module file"),
        refuse("wasm entrypoint outside roots", withManifest(
            "{\"roots\": [\"a\"], \"wasm\": [{\"entrypoint\": \"b/allow\", \"module\": \"/policy.wasm\"}]}",
            TarGz.archive().file("/policy.wasm", "\0asm")),
            "/.manifest", "do not permit 'b/allow' entrypoint"),
        refuse("wasm entrypoint used twice", withManifest(
            "{\"wasm\": [{\"entrypoint\": \"a/allow\", \"module\": \"/policy.wasm\"},"
                + "{\"entrypoint\": \"a/allow\", \"module\": \"/x/policy.wasm\"}]}",
            TarGz.archive().file("/policy.wasm", "\0asm").file("/x/policy.wasm", "\0asm")),
            "/.manifest", "cannot be used by more than one wasm module"),
        refuse("delta bundle", tar(TarGz.archive().file("/patch.json", "{\"data\": []}")),
            "/patch.json", "delta bundles"),
        // --- data documents
        refuse("invalid JSON names file and line",
            tar(TarGz.archive().file("/bank/data.json", "{\n  \"a\": 1,\n  \"b\": tru\n}")),
            "/bank/data.json", "invalid JSON at line 3"),
        refuse("trailing JSON content", tar(TarGz.archive().file("/data.json", "{} {}")),
            "/data.json", "invalid JSON"),
        refuse("invalid YAML names file and line",
            tar(TarGz.archive().file("/bank/data.yaml", "a: 1\nb: [1, 2\nc: 3\n")),
            "/bank/data.yaml", "invalid YAML at line"),
        refuse("root data not an object", tar(TarGz.archive().file("/data.json", "[1]")),
            "/data.json", "must hold an object"),
        refuse("two files set the same value", tar(TarGz.archive()
            .file("/data.json", "{\"a\": {\"b\": 1}}")
            .file("/a/b/data.json", "2")),
            "/a/b/data.json", "data at 'a.b' collides with data from /data.json"),
        refuse("data shadows a package", tar(TarGz.archive()
            .file("/bank/data.json", "{\"a\": 5}")
            .file("/bank/a/p.rego", "package bank.a.rules\n")),
            "/bank/a/p.rego", "conflicts with non-object data at 'bank.a' from /bank/data.json"),
        // --- Rego modules
        refuse("module without package", tar(TarGz.archive().file("/p.rego", "# hi\nallow := 1\n")),
            "/p.rego", "expected a package declaration (line 2, column 1)"),
        refuse("module not UTF-8", tar(TarGz.archive().file("/p.rego", new byte[] {
            'p', 'a', 'c', 'k', 'a', 'g', 'e', ' ', 'x', (byte) 0xff})),
            "/p.rego", "not valid UTF-8"),
        // --- signatures without a key
        refuse("signed but no key configured", tar(TarGz.archive()
            .file("/.signatures.json", "{\"signatures\": [\"a.b.c\"]}")),
            "/.signatures.json", "no verification key is configured"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileArchives")
  void refusesHostileArchive(String what, Supplier<byte[]> archive, BundleLimits limits,
      String entry, String reason) {
    BundleLoader loader = new BundleLoader(BundleOptions.DEFAULT.withLimits(limits));
    BundleException e = assertThrows(BundleException.class,
        () -> loader.loadArchive(archive.get(), what));
    assertTrue(e.getMessage().contains(reason), () -> "message: " + e.getMessage());
    assertEquals(Optional.ofNullable(entry), e.entry(), () -> "message: " + e.getMessage());
  }

  @Test
  void refusesSymlinkInADirectoryBundle(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("data.json"), "{}");
    Files.createSymbolicLink(dir.resolve("secret.rego"), Path.of("/etc/hostname"));
    BundleException e = assertThrows(BundleException.class,
        () -> new BundleLoader(BundleOptions.DEFAULT).load(dir));
    assertEquals(Optional.of("/secret.rego"), e.entry());
    assertTrue(e.getMessage().contains("symbolic links are not allowed"), e.getMessage());
  }

  @Test
  void refusesOversizedFileInADirectoryBundle(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.writeString(dir.resolve("a/data.json"), "[" + "0,".repeat(1000) + "0]");
    BundleException e = assertThrows(BundleException.class,
        () -> new BundleLoader(BundleOptions.DEFAULT.withLimits(SMALL)).load(dir));
    assertEquals(Optional.of("/a/data.json"), e.entry());
    assertTrue(e.getMessage().contains("maxFileBytes"), e.getMessage());
  }

  @Test
  void refusesTooManyFilesInADirectoryBundle(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 25; i++) {
      Files.writeString(dir.resolve("f" + i), "x");
    }
    BundleException e = assertThrows(BundleException.class,
        () -> new BundleLoader(BundleOptions.DEFAULT.withLimits(SMALL)).load(dir));
    assertTrue(e.getMessage().contains("more than 20 entries"), e.getMessage());
  }

  @Test
  void bundleLimitsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new BundleLimits(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new BundleLimits(10, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> new BundleLimits(1, 3L << 30, 1));
  }
}
