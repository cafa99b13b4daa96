package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Map;

/** Operations on Jackson trees that do not recurse, so no document depth can exhaust the stack. */
public final class JsonTrees {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  private record Pending(JsonNode from, ContainerNode<?> to) {}

  /** A deep copy of {@code node}; value nodes are immutable and shared. */
  static JsonNode copy(JsonNode node) {
    if (!node.isContainerNode()) {
      return node;
    }
    ContainerNode<?> root = emptyLike(node);
    ArrayDeque<Pending> work = new ArrayDeque<>();
    work.push(new Pending(node, root));
    while (!work.isEmpty()) {
      Pending p = work.pop();
      if (p.from() instanceof ObjectNode from) {
        ObjectNode to = (ObjectNode) p.to();
        for (Map.Entry<String, JsonNode> e : from.properties()) {
          to.set(e.getKey(), copyOne(e.getValue(), work));
        }
      } else {
        ArrayNode to = (ArrayNode) p.to();
        for (JsonNode item : p.from()) {
          to.add(copyOne(item, work));
        }
      }
    }
    return root;
  }

  private static JsonNode copyOne(JsonNode value, ArrayDeque<Pending> work) {
    if (!value.isContainerNode()) {
      return value;
    }
    ContainerNode<?> empty = emptyLike(value);
    work.push(new Pending(value, empty));
    return empty;
  }

  private static ContainerNode<?> emptyLike(JsonNode node) {
    return node.isObject() ? NODES.objectNode() : NODES.arrayNode(node.size());
  }

  /**
   * {@code s} with every lone surrogate (a UTF-16 half that does not pair up) replaced by U+FFFD,
   * as Go's JSON decoder, and so OPA, decodes {@code "\ud800"}. The same string when there is none.
   */
  public static String wellFormed(String s) {
    int i = firstLoneSurrogate(s);
    if (i < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  private static int firstLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * Replaces lone surrogates in every string and object key of {@code root}, in place, as they
   * are replaced when OPA loads the document; returns the (possibly new) root.
   */
  public static JsonNode withWellFormedStrings(JsonNode root) {
    if (root.isTextual()) {
      String fixed = wellFormed(root.textValue());
      return fixed == root.textValue() ? root : NODES.textNode(fixed);
    }
    ArrayDeque<JsonNode> work = new ArrayDeque<>();
    work.push(root);
    while (!work.isEmpty()) {
      JsonNode n = work.pop();
      if (n instanceof ObjectNode o) {
        boolean keysOk = true;
        for (Map.Entry<String, JsonNode> e : o.properties()) {
          keysOk &= wellFormed(e.getKey()) == e.getKey();
        }
        if (!keysOk) {
          java.util.List<Map.Entry<String, JsonNode>> entries = new java.util.ArrayList<>(o.properties());
          o.removeAll();
          for (Map.Entry<String, JsonNode> e : entries) {
            o.set(wellFormed(e.getKey()), e.getValue());
          }
        }
        for (Map.Entry<String, JsonNode> e : o.properties()) {
          fix(e.getValue(), work, v -> o.set(e.getKey(), v));
        }
      } else if (n instanceof ArrayNode a) {
        for (int i = 0; i < a.size(); i++) {
          int at = i;
          fix(a.get(i), work, v -> a.set(at, v));
        }
      }
    }
    return root;
  }

  private static void fix(JsonNode value, ArrayDeque<JsonNode> work, java.util.function.Consumer<JsonNode> replace) {
    if (value.isContainerNode()) {
      work.push(value);
    } else if (value.isTextual()) {
      String fixed = wellFormed(value.textValue());
      if (fixed != value.textValue()) {
        replace.accept(NODES.textNode(fixed));
      }
    }
  }
}
