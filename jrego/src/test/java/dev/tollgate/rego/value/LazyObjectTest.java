package dev.tollgate.rego.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** A lazy object must be indistinguishable from an eager one with the same entries. */
class LazyObjectTest {
  /** Serves an eager object's entries one lookup at a time, counting what it was asked. */
  static final class Counting implements ObjectValue.Source {
    final ObjectValue of;
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger walks = new AtomicInteger();

    Counting(ObjectValue of) {
      this.of = of;
    }

    @Override
    public int size() {
      return of.size();
    }

    @Override
    public Value get(Value key) {
      lookups.incrementAndGet();
      return lazyCopy(of.get(key));
    }

    @Override
    public void forEach(BiConsumer<Value, Value> action) {
      walks.incrementAndGet();
      of.asMap().forEach((k, v) -> action.accept(k, lazyCopy(v)));
    }
  }

  /** The same value with every object in it lazy. */
  static Value lazyCopy(Value v) {
    return switch (v) {
      case null -> null;
      case ObjectValue o -> ObjectValue.lazy(new Counting(o));
      case ArrayValue a -> {
        Value[] items = new Value[a.size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = lazyCopy(a.get(i));
        }
        yield ArrayValue.wrap(items);
      }
      default -> v;
    };
  }

  static Value random(Random r, int depth) {
    int kind = r.nextInt(depth > 3 ? 5 : 8);
    return switch (kind) {
      case 0 -> NullValue.INSTANCE;
      case 1 -> BooleanValue.of(r.nextBoolean());
      case 2 -> r.nextBoolean() ? NumberValue.of(r.nextInt(5)) : NumberValue.parse(r.nextInt(3) + ".5e" + r.nextInt(40));
      case 3, 4 -> StringValue.of("s" + r.nextInt(4));
      case 5 -> {
        List<Value> items = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
          items.add(random(r, depth + 1));
        }
        yield ArrayValue.of(items);
      }
      default -> {
        Map<Value, Value> m = new LinkedHashMap<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          Value key = r.nextInt(6) == 0 ? NumberValue.of(r.nextInt(3)) : StringValue.of("k" + r.nextInt(6));
          m.put(key, random(r, depth + 1));
        }
        yield ObjectValue.of(m);
      }
    };
  }

  @Test
  void behavesExactlyAsTheEagerObject() {
    Random r = new Random(42);
    List<Value> eager = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Value v = random(r, 0);
      eager.add(v instanceof ObjectValue ? v : ObjectValue.builder().put("v", v).build());
    }
    for (Value a : eager) {
      Value lazyA = lazyCopy(a);
      assertEquals(a, lazyA);
      assertEquals(lazyA, a);
      assertEquals(a.hashCode(), lazyCopy(a).hashCode());
      assertEquals(a.toJson(), lazyCopy(a).toJson());
      assertEquals(0, a.compareTo(lazyCopy(a)));
      ObjectValue eo = (ObjectValue) a;
      ObjectValue lo = (ObjectValue) lazyCopy(a);
      assertEquals(eo.size(), lo.size());
      assertEquals(eo.sortedKeys(), lo.sortedKeys());
      assertEquals(new HashSet<>(eo.asMap().keySet()), new HashSet<>(lo.asMap().keySet()));
      for (Value b : eager) {
        // Ordering and equality against every other object, from both sides.
        assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(lazyCopy(a).compareTo(b)));
        assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(a.compareTo(lazyCopy(b))));
        assertEquals(a.equals(b), lazyCopy(a).equals(lazyCopy(b)));
      }
      // Sets and object keys hash lazy and eager members alike.
      assertEquals(SetValue.of(List.of(a)), SetValue.of(List.of(lazyCopy(a))));
    }
  }

  @Test
  void lookupsDoNotCollectTheOtherEntries() {
    ObjectValue eager = ObjectValue.builder().put("a", "1").put("b", "2").put("c", "3").build();
    Counting source = new Counting(eager);
    ObjectValue lazy = ObjectValue.lazy(source);
    assertEquals(StringValue.of("2"), lazy.get("b"));
    assertNull(lazy.get("z"));
    assertFalse(lazy.containsKey(NumberValue.of(1)));
    assertTrue(lazy.containsKey(StringValue.of("a")));
    assertEquals(3, lazy.size());
    assertEquals(0, source.walks.get());
    assertEquals("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}", lazy.toJson());
    assertEquals(eager.with(StringValue.of("d"), NullValue.INSTANCE), lazy.with(StringValue.of("d"), NullValue.INSTANCE));
    // Collected once, then served from the collected entries.
    lazy.hashCode();
    lazy.asMap().forEach((k, v) -> { });
    int lookups = source.lookups.get();
    lazy.get("a");
    assertEquals(1, source.walks.get());
    assertEquals(lookups, source.lookups.get());
  }
}
