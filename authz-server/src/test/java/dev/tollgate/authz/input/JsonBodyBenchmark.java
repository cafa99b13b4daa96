package dev.tollgate.authz.input;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * A JSON request body parsed to jrego values ({@code parse}, what a policy reading {@code parsed_body}
 * costs) and checked without them ({@code check}, what the pipeline does for a body the policy never read).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonBodyBenchmark {
    static final String TRANSFER = "{\"amount\": 250, \"currency\": \"EUR\", \"to\": \"DE89370400440532013000\","
            + " \"reference\": \"invoice 2026-114\"}";
    static final String ORDER = """
            {"order_id": "ord-20260114-0042", "customer": {"id": 918273, "name": "J\\u00f6rg M\\u00fcller",
             "email": "jm@example.com", "vip": true, "score": 0.875},
             "items": [
              {"sku": "A-100", "qty": 2, "price": 19.99, "tags": ["new", "sale"]},
              {"sku": "B-220", "qty": 1, "price": 249.5, "tags": []},
              {"sku": "C-7", "qty": 12, "price": 0.35, "tags": ["bulk"], "note": "line1\\nline2"}],
             "shipping": {"method": "express", "cost": 12.0, "eta_days": 2, "address": {"street": "Hauptstr. 5",
             "city": "Berlin", "zip": "10115", "geo": [52.5321, 13.3849]}},
             "coupon": null, "total": 313.68, "created": 1768388400123, "weight_kg": 1.25e0}
            """;

    @Param({"transfer", "order"})
    public String body;

    private String text;

    @org.openjdk.jmh.annotations.Setup
    public void setup() {
        text = body.equals("transfer") ? TRANSFER : ORDER;
        JsonBody.check(text);
    }

    @Benchmark
    public Object parse() {
        return JsonBody.parse(text);
    }

    @Benchmark
    public void check() {
        JsonBody.check(text);
    }
}
