package dev.tollgate.authz.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.EnvoyInternalAddress;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/**
 * Maps {@link AttributeContext} to the JSON that protojson prints for it (lowerCamelCase JSON names,
 * default values omitted, int64 as strings, bytes as base64, Timestamp as RFC 3339), written by
 * hand so no intermediate JSON text is produced.
 */
final class AttributesJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AttributesJson() {
    }

    static ObjectNode attributes(AttributeContext a) {
        ObjectNode o = CompactObjectMap.object(8);
        if (a.hasSource()) {
            o.set("source", peer(a.getSource()));
        }
        if (a.hasDestination()) {
            o.set("destination", peer(a.getDestination()));
        }
        if (a.hasRequest()) {
            o.set("request", request(a.getRequest()));
        }
        if (a.getContextExtensionsCount() > 0) {
            o.set("contextExtensions", stringMap(a.getContextExtensionsMap()));
        }
        if (a.hasMetadataContext()) {
            o.set("metadataContext", metadata(a.getMetadataContext()));
        }
        if (a.hasRouteMetadataContext()) {
            o.set("routeMetadataContext", metadata(a.getRouteMetadataContext()));
        }
        if (a.hasTlsSession()) {
            ObjectNode tls = CompactObjectMap.object(4);
            putIfNotEmpty(tls, "sni", a.getTlsSession().getSni());
            o.set("tlsSession", tls);
        }
        return o;
    }

    private static ObjectNode peer(AttributeContext.Peer p) {
        ObjectNode o = CompactObjectMap.object(2);
        if (p.hasAddress()) {
            o.set("address", address(p.getAddress()));
        }
        putIfNotEmpty(o, "service", p.getService());
        if (p.getLabelsCount() > 0) {
            o.set("labels", stringMap(p.getLabelsMap()));
        }
        putIfNotEmpty(o, "principal", p.getPrincipal());
        putIfNotEmpty(o, "certificate", p.getCertificate());
        return o;
    }

    private static ObjectNode address(Address a) {
        ObjectNode o = CompactObjectMap.object(1);
        switch (a.getAddressCase()) {
            case SOCKET_ADDRESS -> {
                SocketAddress s = a.getSocketAddress();
                ObjectNode so = CompactObjectMap.object(2);
                if (s.getProtocolValue() != 0) {
                    so.put("protocol", s.getProtocol().name());
                }
                putIfNotEmpty(so, "address", s.getAddress());
                switch (s.getPortSpecifierCase()) {
                    case PORT_VALUE -> so.put("portValue", s.getPortValue());
                    case NAMED_PORT -> so.put("namedPort", s.getNamedPort());
                    default -> {
                    }
                }
                putIfNotEmpty(so, "resolverName", s.getResolverName());
                if (s.getIpv4Compat()) {
                    so.put("ipv4Compat", true);
                }
                o.set("socketAddress", so);
            }
            case PIPE -> {
                Pipe p = a.getPipe();
                ObjectNode po = CompactObjectMap.object(4);
                putIfNotEmpty(po, "path", p.getPath());
                if (p.getMode() != 0) {
                    po.put("mode", p.getMode());
                }
                o.set("pipe", po);
            }
            case ENVOY_INTERNAL_ADDRESS -> {
                EnvoyInternalAddress e = a.getEnvoyInternalAddress();
                ObjectNode eo = CompactObjectMap.object(4);
                if (e.hasServerListenerName()) {
                    eo.put("serverListenerName", e.getServerListenerName());
                }
                putIfNotEmpty(eo, "endpointId", e.getEndpointId());
                o.set("envoyInternalAddress", eo);
            }
            default -> {
            }
        }
        return o;
    }

    private static ObjectNode request(AttributeContext.Request r) {
        ObjectNode o = CompactObjectMap.object(2);
        if (r.hasTime()) {
            o.put("time", timestamp(r.getTime()));
        }
        if (r.hasHttp()) {
            o.set("http", http(r.getHttp()));
        }
        return o;
    }

    private static ObjectNode http(AttributeContext.HttpRequest h) {
        ObjectNode o = CompactObjectMap.object(10);
        putIfNotEmpty(o, "id", h.getId());
        putIfNotEmpty(o, "method", h.getMethod());
        if (h.getHeadersCount() > 0) {
            o.set("headers", stringMap(h.getHeadersMap()));
        }
        if (h.hasHeaderMap()) {
            ObjectNode hm = CompactObjectMap.object(4);
            if (h.getHeaderMap().getHeadersCount() > 0) {
                ArrayNode list = hm.putArray("headers");
                for (HeaderValue v : h.getHeaderMap().getHeadersList()) {
                    ObjectNode e = list.addObject();
                    putIfNotEmpty(e, "key", v.getKey());
                    putIfNotEmpty(e, "value", v.getValue());
                    if (!v.getRawValue().isEmpty()) {
                        e.put("rawValue", Base64.getEncoder().encodeToString(v.getRawValue().toByteArray()));
                    }
                }
            }
            o.set("headerMap", hm);
        }
        putIfNotEmpty(o, "path", h.getPath());
        putIfNotEmpty(o, "host", h.getHost());
        putIfNotEmpty(o, "scheme", h.getScheme());
        putIfNotEmpty(o, "query", h.getQuery());
        putIfNotEmpty(o, "fragment", h.getFragment());
        if (h.getSize() != 0) {
            o.put("size", Long.toString(h.getSize()));
        }
        putIfNotEmpty(o, "protocol", h.getProtocol());
        putIfNotEmpty(o, "body", h.getBody());
        if (!h.getRawBody().isEmpty()) {
            o.put("rawBody", Base64.getEncoder().encodeToString(h.getRawBody().toByteArray()));
        }
        return o;
    }

    private static ObjectNode metadata(Metadata m) {
        ObjectNode o = CompactObjectMap.object(4);
        if (m.getFilterMetadataCount() > 0) {
            ObjectNode fm = o.putObject("filterMetadata");
            for (Map.Entry<String, Struct> e : m.getFilterMetadataMap().entrySet()) {
                fm.set(e.getKey(), struct(e.getValue()));
            }
        }
        if (m.getTypedFilterMetadataCount() > 0) {
            // Without a type registry the payload stays opaque: type URL plus base64 bytes.
            ObjectNode tm = o.putObject("typedFilterMetadata");
            for (Map.Entry<String, Any> e : m.getTypedFilterMetadataMap().entrySet()) {
                ObjectNode any = tm.putObject(e.getKey());
                any.put("@type", e.getValue().getTypeUrl());
                any.put("value", Base64.getEncoder().encodeToString(e.getValue().getValue().toByteArray()));
            }
        }
        return o;
    }

    static ObjectNode struct(Struct s) {
        ObjectNode o = CompactObjectMap.object(s.getFieldsCount());
        for (Map.Entry<String, Value> e : s.getFieldsMap().entrySet()) {
            o.set(e.getKey(), value(e.getValue()));
        }
        return o;
    }

    private static JsonNode value(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> F.nullNode();
            case NUMBER_VALUE -> F.numberNode(v.getNumberValue());
            case STRING_VALUE -> F.textNode(v.getStringValue());
            case BOOL_VALUE -> F.booleanNode(v.getBoolValue());
            case STRUCT_VALUE -> struct(v.getStructValue());
            case LIST_VALUE -> {
                ListValue l = v.getListValue();
                ArrayNode a = F.arrayNode(l.getValuesCount());
                for (Value item : l.getValuesList()) {
                    a.add(value(item));
                }
                yield a;
            }
        };
    }

    private static ObjectNode stringMap(Map<String, String> map) {
        ObjectNode o = CompactObjectMap.object(map.size());
        // forEach, not entrySet(): the unmodifiable map protobuf returns wraps every entry it iterates.
        map.forEach(o::put);
        return o;
    }

    /** RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, as protojson prints a Timestamp. */
    static String timestamp(Timestamp t) {
        long seconds = t.getSeconds();
        int nanos = t.getNanos();
        if (seconds < -62_135_596_800L || seconds > 253_402_300_799L || nanos < 0 || nanos > 999_999_999) {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(seconds, Math.floorMod(nanos, 1_000_000_000)));
        }
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
        StringBuilder b = new StringBuilder(nanos == 0 ? 20 : 30);
        int year = date.getYear();
        pad(b, year, 4).append('-');
        pad(b, date.getMonthValue(), 2).append('-');
        pad(b, date.getDayOfMonth(), 2).append('T');
        pad(b, secondOfDay / 3600, 2).append(':');
        pad(b, secondOfDay / 60 % 60, 2).append(':');
        pad(b, secondOfDay % 60, 2);
        if (nanos != 0) {
            b.append('.');
            if (nanos % 1_000_000 == 0) {
                pad(b, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                pad(b, nanos / 1_000, 6);
            } else {
                pad(b, nanos, 9);
            }
        }
        return b.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        for (int d = width - 1, p = (int) Math.pow(10, d); d >= 0; d--, p /= 10) {
            b.append((char) ('0' + value / p % 10));
        }
        return b;
    }

    private static void putIfNotEmpty(ObjectNode o, String name, String value) {
        if (!value.isEmpty()) {
            o.put(name, value);
        }
    }
}
