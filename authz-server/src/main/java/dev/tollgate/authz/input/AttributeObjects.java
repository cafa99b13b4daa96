package dev.tollgate.authz.input;

import com.google.protobuf.Any;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
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
 * {@link AttributeContext} as the object protojson prints for it (lowerCamelCase JSON names,
 * default values omitted, int64 as strings, bytes as base64, Timestamp as RFC 3339), read straight
 * from the message: each field becomes a value only when the policy reads it.
 */
final class AttributeObjects {
    private static final StringValue[] ATTRIBUTES = MessageObject.names("source", "destination", "request",
            "contextExtensions", "metadataContext", "routeMetadataContext", "tlsSession");
    private static final StringValue[] PEER = MessageObject.names("address", "service", "labels", "principal",
            "certificate");
    private static final StringValue[] REQUEST = MessageObject.names("time", "http");
    private static final StringValue[] HTTP = MessageObject.names("id", "method", "headers", "headerMap", "path",
            "host", "scheme", "query", "fragment", "size", "protocol", "body", "rawBody");

    private AttributeObjects() {
    }

    static ObjectValue attributes(AttributeContext a) {
        int present = bit(0, a.hasSource()) | bit(1, a.hasDestination()) | bit(2, a.hasRequest())
                | bit(3, a.getContextExtensionsCount() > 0) | bit(4, a.hasMetadataContext())
                | bit(5, a.hasRouteMetadataContext()) | bit(6, a.hasTlsSession());
        return ObjectValue.lazy(new MessageObject(ATTRIBUTES, present) {
            @Override
            Value field(int i) {
                return switch (i) {
                    case 0 -> peer(a.getSource());
                    case 1 -> peer(a.getDestination());
                    case 2 -> request(a.getRequest());
                    case 3 -> StringMapObject.of(a.getContextExtensionsMap());
                    case 4 -> metadata(a.getMetadataContext());
                    case 5 -> metadata(a.getRouteMetadataContext());
                    default -> {
                        CompactObject tls = new CompactObject(1);
                        putIfNotEmpty(tls, "sni", a.getTlsSession().getSni());
                        yield tls.value();
                    }
                };
            }
        });
    }

    private static int bit(int i, boolean set) {
        return set ? 1 << i : 0;
    }

    private static ObjectValue peer(AttributeContext.Peer p) {
        int present = bit(0, p.hasAddress()) | bit(1, !p.getService().isEmpty()) | bit(2, p.getLabelsCount() > 0)
                | bit(3, !p.getPrincipal().isEmpty()) | bit(4, !p.getCertificate().isEmpty());
        return ObjectValue.lazy(new MessageObject(PEER, present) {
            @Override
            Value field(int i) {
                return switch (i) {
                    case 0 -> address(p.getAddress());
                    case 1 -> StringValue.of(p.getService());
                    case 2 -> StringMapObject.of(p.getLabelsMap());
                    case 3 -> StringValue.of(p.getPrincipal());
                    default -> StringValue.of(p.getCertificate());
                };
            }
        });
    }

    private static Value address(Address a) {
        CompactObject o = new CompactObject(1);
        switch (a.getAddressCase()) {
            case SOCKET_ADDRESS -> {
                SocketAddress s = a.getSocketAddress();
                CompactObject so = new CompactObject(2);
                if (s.getProtocolValue() != 0) {
                    so.put("protocol", StringValue.of(s.getProtocol().name()));
                }
                putIfNotEmpty(so, "address", s.getAddress());
                switch (s.getPortSpecifierCase()) {
                    case PORT_VALUE -> so.put("portValue", NumberValue.of(s.getPortValue()));
                    case NAMED_PORT -> so.put("namedPort", StringValue.of(s.getNamedPort()));
                    default -> {
                    }
                }
                putIfNotEmpty(so, "resolverName", s.getResolverName());
                if (s.getIpv4Compat()) {
                    so.put("ipv4Compat", BooleanValue.TRUE);
                }
                o.put("socketAddress", so.value());
            }
            case PIPE -> {
                Pipe p = a.getPipe();
                CompactObject po = new CompactObject(2);
                putIfNotEmpty(po, "path", p.getPath());
                if (p.getMode() != 0) {
                    po.put("mode", NumberValue.of(p.getMode()));
                }
                o.put("pipe", po.value());
            }
            case ENVOY_INTERNAL_ADDRESS -> {
                EnvoyInternalAddress e = a.getEnvoyInternalAddress();
                CompactObject eo = new CompactObject(2);
                if (e.hasServerListenerName()) {
                    eo.put("serverListenerName", StringValue.of(e.getServerListenerName()));
                }
                putIfNotEmpty(eo, "endpointId", e.getEndpointId());
                o.put("envoyInternalAddress", eo.value());
            }
            default -> {
            }
        }
        return o.value();
    }

    private static ObjectValue request(AttributeContext.Request r) {
        return ObjectValue.lazy(new MessageObject(REQUEST, bit(0, r.hasTime()) | bit(1, r.hasHttp())) {
            @Override
            Value field(int i) {
                return i == 0 ? StringValue.of(timestamp(r.getTime())) : http(r.getHttp());
            }
        });
    }

    private static ObjectValue http(AttributeContext.HttpRequest h) {
        int present = bit(0, !h.getId().isEmpty()) | bit(1, !h.getMethod().isEmpty()) | bit(2, h.getHeadersCount() > 0)
                | bit(3, h.hasHeaderMap()) | bit(4, !h.getPath().isEmpty()) | bit(5, !h.getHost().isEmpty())
                | bit(6, !h.getScheme().isEmpty()) | bit(7, !h.getQuery().isEmpty())
                | bit(8, !h.getFragment().isEmpty()) | bit(9, h.getSize() != 0) | bit(10, !h.getProtocol().isEmpty())
                | bit(11, !h.getBody().isEmpty()) | bit(12, !h.getRawBody().isEmpty());
        return ObjectValue.lazy(new MessageObject(HTTP, present) {
            @Override
            Value field(int i) {
                return switch (i) {
                    case 0 -> StringValue.of(h.getId());
                    case 1 -> StringValue.of(h.getMethod());
                    case 2 -> StringMapObject.of(h.getHeadersMap());
                    case 3 -> headerMap(h.getHeaderMap());
                    case 4 -> StringValue.of(h.getPath());
                    case 5 -> StringValue.of(h.getHost());
                    case 6 -> StringValue.of(h.getScheme());
                    case 7 -> StringValue.of(h.getQuery());
                    case 8 -> StringValue.of(h.getFragment());
                    case 9 -> StringValue.of(Long.toString(h.getSize()));
                    case 10 -> StringValue.of(h.getProtocol());
                    case 11 -> StringValue.of(h.getBody());
                    default -> StringValue.of(Base64.getEncoder().encodeToString(h.getRawBody().toByteArray()));
                };
            }
        });
    }

    private static Value headerMap(HeaderMap m) {
        CompactObject hm = new CompactObject(1);
        if (m.getHeadersCount() > 0) {
            Value[] list = new Value[m.getHeadersCount()];
            for (int i = 0; i < list.length; i++) {
                HeaderValue v = m.getHeaders(i);
                CompactObject e = new CompactObject(3);
                putIfNotEmpty(e, "key", v.getKey());
                putIfNotEmpty(e, "value", v.getValue());
                if (!v.getRawValue().isEmpty()) {
                    e.put("rawValue", StringValue.of(Base64.getEncoder().encodeToString(v.getRawValue().toByteArray())));
                }
                list[i] = e.value();
            }
            hm.put("headers", ArrayValue.wrap(list));
        }
        return hm.value();
    }

    private static Value metadata(Metadata m) {
        CompactObject o = new CompactObject(2);
        if (m.getFilterMetadataCount() > 0) {
            CompactObject fm = new CompactObject(m.getFilterMetadataCount());
            for (Map.Entry<String, Struct> e : m.getFilterMetadataMap().entrySet()) {
                fm.put(e.getKey(), struct(e.getValue()));
            }
            o.put("filterMetadata", fm.value());
        }
        if (m.getTypedFilterMetadataCount() > 0) {
            // Without a type registry the payload stays opaque: type URL plus base64 bytes.
            CompactObject tm = new CompactObject(m.getTypedFilterMetadataCount());
            for (Map.Entry<String, Any> e : m.getTypedFilterMetadataMap().entrySet()) {
                CompactObject any = new CompactObject(2);
                any.put("@type", StringValue.of(e.getValue().getTypeUrl()));
                any.put("value", StringValue.of(Base64.getEncoder().encodeToString(e.getValue().getValue().toByteArray())));
                tm.put(e.getKey(), any.value());
            }
            o.put("typedFilterMetadata", tm.value());
        }
        return o.value();
    }

    static Value struct(Struct s) {
        CompactObject o = new CompactObject(s.getFieldsCount());
        for (Map.Entry<String, com.google.protobuf.Value> e : s.getFieldsMap().entrySet()) {
            o.put(e.getKey(), value(e.getValue()));
        }
        return o.value();
    }

    private static Value value(com.google.protobuf.Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> NullValue.INSTANCE;
            case NUMBER_VALUE -> number(v.getNumberValue());
            case STRING_VALUE -> StringValue.of(v.getStringValue());
            case BOOL_VALUE -> BooleanValue.of(v.getBoolValue());
            case STRUCT_VALUE -> struct(v.getStructValue());
            case LIST_VALUE -> {
                ListValue l = v.getListValue();
                Value[] items = new Value[l.getValuesCount()];
                for (int i = 0; i < items.length; i++) {
                    items[i] = value(l.getValues(i));
                }
                yield ArrayValue.wrap(items);
            }
        };
    }

    /** protojson prints the doubles JSON has no number for as strings. */
    private static Value number(double d) {
        if (Double.isNaN(d)) {
            return StringValue.of("NaN");
        }
        if (Double.isInfinite(d)) {
            return StringValue.of(d > 0 ? "Infinity" : "-Infinity");
        }
        return NumberValue.of(d);
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

    private static void putIfNotEmpty(CompactObject o, String name, String value) {
        if (!value.isEmpty()) {
            o.put(name, StringValue.of(value));
        }
    }
}
