package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Loads OPA bundles from {@code .tar.gz} archives or directories into validated {@link Bundle}
 * values, following OPA's bundle format. Thread-safe; one loader can serve many tenants that
 * share options.
 */
public final class BundleLoader {
  private static final String MANIFEST_PATH = "/.manifest";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final BundleOptions options;
  private final Documents docs;

  public BundleLoader(BundleOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.docs = new Documents(options.limits());
  }

  public BundleOptions options() {
    return options;
  }

  /**
   * Loads a bundle directory, or a {@code .tar.gz} archive file, at {@code path}. The path
   * itself may be a symbolic link (as Kubernetes volume mounts are); links inside a bundle
   * directory are refused.
   */
  public Bundle load(Path path) throws BundleException {
    Path real = realPath(path);
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      return assemble(path.toString(), new DirectoryReader(options.limits()).read(real));
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw BundleException.of("bundle " + path + " is not a file or directory");
    }
    try (InputStream in = Files.newInputStream(real)) {
      return loadArchive(in, path.toString());
    } catch (IOException e) {
      throw BundleException.of("cannot read bundle " + path + ": " + e.getMessage());
    }
  }

  /** Loads a bundle directory (the path itself may be a symbolic link). */
  public Bundle loadDirectory(Path dir) throws BundleException {
    return assemble(dir.toString(), new DirectoryReader(options.limits()).read(realPath(dir)));
  }

  private static Path realPath(Path path) throws BundleException {
    try {
      return path.toRealPath();
    } catch (java.nio.file.NoSuchFileException e) {
      throw BundleException.of("bundle " + path + " does not exist");
    } catch (IOException e) {
      throw BundleException.of("cannot read bundle " + path + ": " + e.getMessage());
    }
  }

  /** Loads a gzip-compressed tar archive. {@code source} names it in messages. */
  public Bundle loadArchive(byte[] archive, String source) throws BundleException {
    return loadArchive(new ByteArrayInputStream(archive), source);
  }

  /** Loads a gzip-compressed tar archive from a stream (not closed here). */
  public Bundle loadArchive(InputStream archive, String source) throws BundleException {
    return assemble(source, new TarGzReader(options.limits()).read(archive));
  }

  private Bundle assemble(String source, List<RawFile> files) throws BundleException {
    RawFile signatures = null;
    RawFile manifestFile = null;
    for (RawFile f : files) {
      String base = f.baseName();
      if (f.path().equals(SignatureVerifier.SIGNATURES_PATH)) {
        signatures = f;
      } else if (f.path().equals(MANIFEST_PATH)) {
        manifestFile = f;
      } else if (base.equals(".signatures.json") || base.equals(".manifest")) {
        throw BundleException.at(f.path(), base + " must be at the bundle root");
      } else if (base.equals("patch.json")) {
        throw BundleException.at(f.path(), "delta bundles (patch.json) are not supported");
      }
    }

    boolean verified = false;
    Optional<VerificationConfig> verification = options.verification();
    if (verification.isPresent()) {
      if (signatures == null) {
        throw BundleException.of("bundle is not signed (no .signatures.json) but signature "
            + "verification is configured");
      }
      new SignatureVerifier(verification.get(), docs).verify(signatures, files);
      verified = true;
    } else if (signatures != null && !options.skipVerification()) {
      throw BundleException.at(signatures.path(),
          "bundle is signed but no verification key is configured");
    }

    Manifest manifest = manifestFile == null
        ? Manifest.EMPTY
        : Manifest.parse(MANIFEST_PATH, docs.parseJson(MANIFEST_PATH, manifestFile.bytes()));
    List<String> roots = manifest.roots();
    for (int i = 0; i < roots.size(); i++) {
      for (int j = i + 1; j < roots.size(); j++) {
        if (Roots.overlap(roots.get(i), roots.get(j))) {
          throw BundleException.at(MANIFEST_PATH, "manifest has overlapped roots: '"
              + roots.get(i) + "' and '" + roots.get(j) + "'");
        }
      }
    }

    List<RegoModule> modules = new ArrayList<>();
    List<RawFile> wasmFiles = new ArrayList<>();
    ObjectNode data = NODES.objectNode();
    Map<List<String>, String> dataOrigins = new HashMap<>();
    for (RawFile f : files) {
      String base = f.baseName();
      if (f == signatures || f == manifestFile) {
        continue;
      }
      if (base.endsWith(".rego")) {
        String text = utf8(f);
        List<String> pkg = RegoPackages.packagePath(f.path(), text);
        if (!Roots.anyContains(roots, String.join("/", pkg))) {
          throw BundleException.at(f.path(), "manifest roots " + roots
              + " do not permit package '" + String.join(".", pkg) + "'");
        }
        modules.add(new RegoModule(f.path(), text, pkg));
      } else if (base.equals("policy.wasm")) {
        wasmFiles.add(f);
      } else if (base.equals("data.json") || base.equals("data.yaml") || base.equals("data.yml")) {
        JsonNode value = base.equals("data.json")
            ? docs.parseJson(f.path(), f.bytes())
            : docs.parseYaml(f.path(), f.bytes());
        insert(data, f, value, dataOrigins);
      }
      // Other files are carried (and signed) but have no meaning to OPA; likewise here.
    }

    checkDataInRoots(data, "", roots);
    checkPackagesAgainstData(modules, data, dataOrigins);
    List<WasmModule> wasm = wasmModules(manifest, wasmFiles, roots);
    return new Bundle(source, manifest, modules, data, wasm, verified);
  }

  private static String utf8(RawFile f) throws BundleException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(f.bytes()))
          .toString();
    } catch (CharacterCodingException e) {
      throw BundleException.at(f.path(), "module is not valid UTF-8");
    }
  }

  /** Places a data file's value at its directory path, merging objects as OPA does. */
  private static void insert(ObjectNode data, RawFile f, JsonNode value,
      Map<List<String>, String> origins) throws BundleException {
    List<String> key = f.directorySegments();
    if (key.isEmpty()) {
      if (!value.isObject()) {
        throw BundleException.at(f.path(), "data file at the bundle root must hold an object");
      }
      merge(data, (ObjectNode) value, f, origins);
      return;
    }
    ObjectNode wrapper = NODES.objectNode();
    ObjectNode cursor = wrapper;
    for (int i = 0; i < key.size() - 1; i++) {
      cursor = cursor.putObject(key.get(i));
    }
    cursor.set(key.getLast(), value);
    merge(data, wrapper, f, origins);
  }

  /** A path in the data tree as a chain to its parent, so descending costs nothing per level. */
  private record DataPath(DataPath parent, String segment, int length) {
    static final DataPath ROOT = new DataPath(null, null, 0);

    DataPath child(String s) {
      return new DataPath(this, s, length + 1);
    }

    List<String> segments() {
      String[] out = new String[length];
      for (DataPath p = this; p.length > 0; p = p.parent) {
        out[p.length - 1] = p.segment;
      }
      return List.of(out);
    }
  }

  private record Merge(ObjectNode into, ObjectNode from, DataPath at) {}

  /**
   * Merges {@code from} into {@code into}: objects merge key by key, anything else may not meet
   * existing data. Iterative, so the depth of a hostile bundle's paths cannot exhaust the stack.
   */
  private static void merge(ObjectNode into, ObjectNode from, RawFile f,
      Map<List<String>, String> origins) throws BundleException {
    java.util.ArrayDeque<Merge> work = new java.util.ArrayDeque<>();
    work.push(new Merge(into, from, DataPath.ROOT));
    while (!work.isEmpty()) {
      Merge m = work.pop();
      for (Map.Entry<String, JsonNode> e : m.from().properties()) {
        DataPath path = m.at().child(e.getKey());
        JsonNode existing = m.into().get(e.getKey());
        if (existing == null) {
          m.into().set(e.getKey(), e.getValue());
          origins.putIfAbsent(path.segments(), f.path());
        } else if (existing.isObject() && e.getValue().isObject()) {
          work.push(new Merge((ObjectNode) existing, (ObjectNode) e.getValue(), path));
        } else {
          List<String> at = path.segments();
          throw BundleException.at(f.path(), "data at '" + String.join(".", at)
              + "' collides with data from " + origin(origins, at));
        }
      }
    }
  }

  private static String origin(Map<List<String>, String> origins, List<String> path) {
    for (int n = path.size(); n >= 0; n--) {
      String o = origins.get(path.subList(0, n));
      if (o != null) {
        return o;
      }
    }
    return "another data file";
  }

  /** OPA's rule: every data path must lie in a root, or be an object on the way to one. */
  private static void checkDataInRoots(JsonNode node, String path, List<String> roots)
      throws BundleException {
    if (Roots.anyContains(roots, path)) {
      return;
    }
    if (node.isObject() && leadsToRoot(path, roots)) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        checkDataInRoots(e.getValue(), path.isEmpty() ? e.getKey() : path + "/" + e.getKey(),
            roots);
      }
      return;
    }
    throw BundleException.of("manifest roots " + roots + " do not permit data at path '/"
        + path + "' (hint: check bundle directory structure)");
  }

  private static boolean leadsToRoot(String path, List<String> roots) {
    if (path.isEmpty()) {
      return true;
    }
    for (String root : roots) {
      if (Roots.anyContains(List.of(path), root)) {
        return true;
      }
    }
    return false;
  }

  /** Data that is not an object where a module's package lives makes the package unreachable. */
  private static void checkPackagesAgainstData(List<RegoModule> modules, ObjectNode data,
      Map<List<String>, String> origins) throws BundleException {
    for (RegoModule m : modules) {
      JsonNode node = data;
      List<String> pkg = m.packagePath();
      for (int i = 0; i < pkg.size(); i++) {
        node = node.get(pkg.get(i));
        if (node == null) {
          break;
        }
        if (!node.isObject()) {
          List<String> at = pkg.subList(0, i + 1);
          throw BundleException.at(m.path(), "package '" + String.join(".", pkg)
              + "' conflicts with non-object data at '" + String.join(".", at) + "' from "
              + origin(origins, at));
        }
      }
    }
  }

  private static List<WasmModule> wasmModules(Manifest manifest, List<RawFile> wasmFiles,
      List<String> roots) throws BundleException {
    Map<String, List<String>> entrypoints = new HashMap<>();
    for (RawFile f : wasmFiles) {
      entrypoints.put(f.path(), new ArrayList<>());
    }
    Set<String> seen = new HashSet<>();
    for (Manifest.WasmResolver r : manifest.wasm()) {
      String module = r.module().startsWith("/") ? r.module() : "/" + r.module();
      List<String> eps = entrypoints.get(module);
      if (eps == null) {
        throw BundleException.at(MANIFEST_PATH, "manifest references wasm module '" + r.module()
            + "' but the module file does not exist");
      }
      String ep = Roots.normalize(r.entrypoint());
      if (ep.isEmpty()) {
        throw BundleException.at(MANIFEST_PATH, "wasm module '" + r.module()
            + "' has an empty entrypoint");
      }
      if (!Roots.anyContains(roots, ep)) {
        throw BundleException.at(MANIFEST_PATH, "manifest roots " + roots + " do not permit '"
            + ep + "' entrypoint for wasm module '" + r.module() + "'");
      }
      if (!seen.add(ep)) {
        throw BundleException.at(MANIFEST_PATH, "entrypoint '" + ep
            + "' cannot be used by more than one wasm module");
      }
      eps.add(ep);
    }
    List<WasmModule> out = new ArrayList<>();
    for (RawFile f : wasmFiles) {
      out.add(new WasmModule(f.path(), f.bytes(), entrypoints.get(f.path())));
    }
    return out;
  }
}
