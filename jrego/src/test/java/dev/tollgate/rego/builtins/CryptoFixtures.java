package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test keys, certificates and tokens under resources/.../builtins/crypto, and call helpers. */
final class CryptoFixtures {
  /** 2027-06-01T00:00:00Z: inside every fixture certificate's validity. */
  static final long NOW = 1_811_808_000_000_000_000L;

  private CryptoFixtures() {}

  static String text(String name) {
    try (InputStream in = CryptoFixtures.class.getResourceAsStream("crypto/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String token(String name) {
    return ((StringValue) ((ObjectValue) Json.parse(text("tokens.json"))).get(name)).value();
  }

  static Value call(String name, Value... args) throws BuiltinException {
    Builtin b = BuiltinRegistry.standard().get(name);
    if (b == null) {
      throw new AssertionError("no built-in " + name);
    }
    assertEquals(b.arity(), args.length, "arity of " + name);
    return b.impl().apply(TestContext.at(NOW), args);
  }

  static Value s(String text) {
    return StringValue.of(text);
  }

  static Value json(String text) {
    return Json.parse(text);
  }

  /** Asserts the call fails with {@code code} and a message containing {@code fragment}. */
  static void assertFails(String code, String fragment, String name, Value... args) {
    BuiltinException e = assertThrows(BuiltinException.class, () -> call(name, args));
    assertEquals(code, e.code(), e.getMessage());
    if (!e.getMessage().contains(fragment)) {
      throw new AssertionError("message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
  }
}
