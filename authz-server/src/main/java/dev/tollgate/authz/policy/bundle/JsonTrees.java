package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Map;

/** Operations on Jackson trees that do not recurse, so no document depth can exhaust the stack. */
final class JsonTrees {
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
}
