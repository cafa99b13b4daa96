package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** {@code net.*}: CIDR arithmetic with Go's address rules, and DNS lookups when allowed. */
final class NetBuiltins {
  private NetBuiltins() {}

  /** Capabilities setting that raises the {@code net.cidr_expand} limit. */
  static final String EXPAND_LIMIT_SETTING = "net.cidr_expand.max_addresses";

  /** Default most addresses {@code net.cidr_expand} produces (an IPv4 /16). */
  static final long DEFAULT_EXPAND_LIMIT = 1L << 16;

  static void register(BuiltinRegistry.Builder r) {
    r.function("net.cidr_contains", 2, (ctx, args) -> contains(args[0], args[1]));
    // The pre-0.14 name of net.cidr_contains, still accepted by OPA.
    r.function("net.cidr_overlap", 2, (ctx, args) -> contains(args[0], args[1]));
    r.function("net.cidr_intersects", 2, NetBuiltins::intersects);
    r.function("net.cidr_contains_matches", 2, NetBuiltins::containsMatches);
    r.function("net.cidr_expand", 1, NetBuiltins::expand);
    r.function("net.cidr_merge", 1, NetBuiltins::merge);
    r.function("net.cidr_is_valid", 1, NetBuiltins::isValid);
    r.add(new Builtin("net.lookup_ip_addr", 1, false, true, NetBuiltins::lookupIpAddr));
  }

  private static GoNet.IpNet network(Value v) throws BuiltinException {
    // OPA reports either operand as operand 1 here.
    if (!(v instanceof StringValue s)) {
      throw Args.mustBe(0, "string", v);
    }
    try {
      return GoNet.parseCidr(s.value()).net();
    } catch (GoNet.CidrException e) {
      throw BuiltinException.failure(e.getMessage());
    }
  }

  private static BooleanValue contains(Value a, Value b) throws BuiltinException {
    GoNet.IpNet netA = network(a);
    if (!(b instanceof StringValue bs)) {
      throw Args.mustBe(0, "string", b);
    }
    byte[] ip = GoNet.parseIp(bs.value());
    if (ip != null) {
      return BooleanValue.of(netA.contains(ip));
    }
    GoNet.IpNet netB;
    try {
      netB = GoNet.parseCidr(bs.value()).net();
    } catch (GoNet.CidrException e) {
      throw BuiltinException.failure(
          "not a valid textual representation of an IP address or CIDR: " + bs.value());
    }
    // A contains B when it holds B's first and last addresses.
    if (!netA.contains(netB.ip())) {
      return BooleanValue.FALSE;
    }
    return BooleanValue.of(netA.contains(lastAddress(netB)));
  }

  private static byte[] lastAddress(GoNet.IpNet net) throws BuiltinException {
    int[] size = net.maskSize();
    if (size[0] == 0 && size[1] == 0) {
      throw BuiltinException.failure("CIDR mask is in non-standard format");
    }
    byte[] ip = net.ip().clone();
    byte[] mask = net.mask();
    int off = ip.length - mask.length;
    for (int i = 0; i < mask.length && off + i >= 0; i++) {
      ip[off + i] |= (byte) ~mask[i];
    }
    return ip;
  }

  private static Value intersects(BuiltinContext ctx, Value[] args) throws BuiltinException {
    GoNet.IpNet a = network(args[0]);
    GoNet.IpNet b = network(args[1]);
    return BooleanValue.of(a.contains(b.ip()) || b.contains(a.ip()));
  }

  /** One element of a cidr_contains_matches operand and the key it is reported by. */
  private record Match(Value element, Value key) {}

  private static List<Match> matchElements(Value v) {
    List<Match> out = new ArrayList<>();
    switch (v) {
      case StringValue s -> out.add(new Match(s, s));
      case ArrayValue a -> {
        for (int i = 0; i < a.size(); i++) {
          out.add(new Match(a.get(i), NumberValue.of(i)));
        }
      }
      case SetValue s -> {
        for (Value x : s.sorted()) {
          out.add(new Match(x, x));
        }
      }
      case ObjectValue o -> {
        for (Value k : o.sortedKeys()) {
          out.add(new Match(o.get(k), k));
        }
      }
      default -> {} // other operands have no elements, as in OPA
    }
    return out;
  }

  /** The CIDR or address an element stands for: itself, or the first item of a tuple. */
  private static Value matchCidr(int operand, Value element) throws BuiltinException {
    if (element instanceof StringValue) {
      return element;
    }
    if (element instanceof ArrayValue a && !a.isEmpty()) {
      return a.get(0);
    }
    throw BuiltinException.failure(
        "operand " + operand + ": element must be string or non-empty array");
  }

  private static Value containsMatches(BuiltinContext ctx, Value[] args) throws BuiltinException {
    List<Match> cidrs = matchElements(args[0]);
    List<Match> addrs = matchElements(args[1]);
    List<Value> result = new ArrayList<>();
    // Elements are checked as they are reached, so errors surface in OPA's order.
    for (Match c : cidrs) {
      Value cidr = matchCidr(1, c.element());
      for (Match a : addrs) {
        if (contains(cidr, matchCidr(2, a.element())).value()) {
          result.add(ArrayValue.of(c.key(), a.key()));
        }
      }
    }
    return SetValue.of(result);
  }

  private static long expandLimit(BuiltinContext ctx) {
    String s = ctx.capabilities().settings().get(EXPAND_LIMIT_SETTING);
    if (s != null) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return DEFAULT_EXPAND_LIMIT;
      }
    }
    return DEFAULT_EXPAND_LIMIT;
  }

  private static Value expand(BuiltinContext ctx, Value[] args) throws BuiltinException {
    String s = Args.string(args, 0);
    GoNet.Cidr cidr;
    try {
      cidr = GoNet.parseCidr(s);
    } catch (GoNet.CidrException e) {
      throw BuiltinException.failure(e.getMessage());
    }
    byte[] start = GoNet.mask(cidr.ip(), cidr.net().mask());
    int[] size = cidr.net().maskSize();
    int hostBits = size[1] - size[0];
    long limit = expandLimit(ctx);
    if (hostBits >= 62 || (1L << hostBits) > limit) {
      throw BuiltinException.failure(
          "CIDR "
              + s
              + " has 2^"
              + hostBits
              + " addresses, more than the "
              + limit
              + " this engine expands");
    }
    long count = 1L << hostBits;
    BigInteger first = new BigInteger(1, start);
    Value[] out = new Value[(int) count];
    for (long i = 0; i < count; i++) {
      byte[] ip = toBytes(first.add(BigInteger.valueOf(i)), start.length);
      out[(int) i] = StringValue.of(GoNet.format(ip));
    }
    return SetValue.of(Arrays.asList(out));
  }

  private static byte[] toBytes(BigInteger n, int len) {
    byte[] raw = n.toByteArray();
    byte[] out = new byte[len];
    int copy = Math.min(raw.length, len);
    System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
    return out;
  }

  private static Value isValid(BuiltinContext ctx, Value[] args) {
    if (!(args[0] instanceof StringValue s)) {
      return BooleanValue.FALSE;
    }
    try {
      GoNet.parseCidr(s.value());
      return BooleanValue.TRUE;
    } catch (GoNet.CidrException e) {
      return BooleanValue.FALSE;
    }
  }

  // net.cidr_merge

  /** An address range in the 16-byte space; {@code network} is kept while it is unmerged. */
  private record Range(BigInteger first, BigInteger last, GoNet.IpNet network) {}

  private static final BigInteger V4_MAPPED_ZERO = new BigInteger(1, GoNet.to16(new byte[4]));
  private static final BigInteger V4_MAPPED_MAX =
      V4_MAPPED_ZERO.add(BigInteger.ONE.shiftLeft(32)).subtract(BigInteger.ONE);

  private static boolean isV4Mapped(BigInteger a) {
    return a.compareTo(V4_MAPPED_ZERO) >= 0 && a.compareTo(V4_MAPPED_MAX) <= 0;
  }

  private static Value merge(BuiltinContext ctx, Value[] args) throws BuiltinException {
    List<Value> elements =
        switch (args[0]) {
          case ArrayValue a -> a.asList();
          case SetValue s -> s.sorted();
          default -> throw BuiltinException.failure("operand must be an array");
        };
    List<Range> ranges = new ArrayList<>(elements.size());
    for (Value e : elements) {
      GoNet.IpNet net = mergeInput(e);
      byte[] first = GoNet.to16(GoNet.mask(net.ip(), net.mask()));
      byte[] last = first.clone();
      byte[] mask = net.mask();
      for (int i = 0; i < mask.length; i++) {
        last[16 - mask.length + i] |= (byte) ~mask[i];
      }
      ranges.add(new Range(new BigInteger(1, first), new BigInteger(1, last), net));
    }
    ranges.sort(Comparator.comparing(Range::last).thenComparing(Range::first));
    for (int i = ranges.size() - 1; i > 0; i--) {
      Range cur = ranges.get(i);
      Range prev = ranges.get(i - 1);
      BigInteger before =
          cur.first().signum() == 0 || cur.first().equals(V4_MAPPED_ZERO)
              ? cur.first()
              : cur.first().subtract(BigInteger.ONE);
      if (before.compareTo(prev.last()) <= 0) {
        ranges.set(i - 1, new Range(prev.first().min(cur.first()), cur.last(), null));
        ranges.remove(i);
      }
    }
    List<Value> out = new ArrayList<>();
    for (Range r : ranges) {
      if (r.network() != null) {
        out.add(StringValue.of(r.network().toString()));
      } else {
        rangeToCidrs(r.first(), r.last(), out);
      }
    }
    return SetValue.of(out);
  }

  private static GoNet.IpNet mergeInput(Value e) throws BuiltinException {
    if (!(e instanceof StringValue s)) {
      throw BuiltinException.failure("element must be string");
    }
    byte[] ip = GoNet.parseIp(s.value());
    if (ip == null) {
      try {
        return GoNet.parseCidr(s.value()).net();
      } catch (GoNet.CidrException ex) {
        throw BuiltinException.failure(ex.getMessage());
      }
    }
    if (GoNet.to4(ip) != null) {
      // Go gives a bare IPv4 address its classful mask and keeps the address unmasked.
      return new GoNet.IpNet(ip, GoNet.defaultMask(ip));
    }
    throw BuiltinException.failure("IPv6 invalid: needs prefix length");
  }

  /** The fewest aligned CIDR blocks that cover [first, last] exactly. */
  private static void rangeToCidrs(BigInteger first, BigInteger last, List<Value> out) {
    boolean v4 = isV4Mapped(first) && isV4Mapped(last);
    int bits = v4 ? 32 : 128;
    BigInteger base = v4 ? V4_MAPPED_ZERO : BigInteger.ZERO;
    BigInteger lo = first.subtract(base);
    BigInteger hi = last.subtract(base);
    while (lo.compareTo(hi) <= 0) {
      int align = lo.signum() == 0 ? bits : lo.getLowestSetBit();
      int size = Math.min(align, bits);
      // Shrink the block until it ends within the range.
      while (size > 0 && lo.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(hi) > 0) {
        size--;
      }
      byte[] ip = toBytes(lo, bits / 8);
      out.add(StringValue.of(GoNet.format(ip) + "/" + (bits - size)));
      lo = lo.add(BigInteger.ONE.shiftLeft(size));
    }
  }

  // net.lookup_ip_addr

  private record LookupKey(String name) {}

  private static Value lookupIpAddr(BuiltinContext ctx, Value[] args) throws BuiltinException {
    String name = Args.string(args, 0);
    BuiltinContext.Capabilities caps = ctx.capabilities();
    if (!caps.netLookupEnabled()) {
      throw BuiltinException.failure(
          "DNS lookups are disabled on this engine (capability netLookupEnabled is off)");
    }
    if (!caps.httpAllowedHosts().isEmpty() && !caps.httpAllowedHosts().contains(name)) {
      throw BuiltinException.failure("unallowed host: " + name);
    }
    Map<Object, Object> cache = ctx.evaluationCache();
    LookupKey key = new LookupKey(name);
    Object cached = cache.get(key);
    if (cached instanceof Value v) {
      return v;
    }
    if (name.isEmpty()) {
      throw BuiltinException.failure("lookup : no such host");
    }
    InetAddress[] addrs;
    try {
      addrs = InetAddress.getAllByName(name);
    } catch (UnknownHostException | SecurityException e) {
      throw BuiltinException.failure("lookup " + name + ": no such host");
    }
    List<Value> out = new ArrayList<>(addrs.length);
    for (InetAddress a : addrs) {
      String text = GoNet.format(a.getAddress());
      if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
        text += "%" + (v6.getScopedInterface() != null
            ? v6.getScopedInterface().getName()
            : Integer.toString(v6.getScopeId()));
      }
      out.add(StringValue.of(text));
    }
    Value result = SetValue.of(out);
    cache.put(key, result);
    return result;
  }
}
