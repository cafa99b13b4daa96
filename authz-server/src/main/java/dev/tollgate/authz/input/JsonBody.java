package dev.tollgate.authz.input;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.util.ArrayList;

/**
 * A JSON request body straight to jrego values. Numbers keep every digit, as OPA keeps them
 * ({@code 1e999999999} is that number, not infinity); a number whose exponent no decimal can hold
 * and text past Jackson's default limits (nesting 1000, number length 1000) are invalid requests.
 * As before, the first JSON value is read and an empty body is null.
 */
final class JsonBody {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonBody() {
    }

    /** @throws InvalidRequestException naming what is wrong and where */
    static Value parse(String payload) {
        return read(payload, true);
    }

    /** As {@link #parse}, without building the value. */
    static void check(String payload) {
        read(payload, false);
    }

    private static Value read(String payload, boolean build) {
        try (JsonParser p = FACTORY.createParser(payload)) {
            if (p.nextToken() == null) {
                return NullValue.INSTANCE;
            }
            return value(p, build);
        } catch (StreamConstraintsException e) {
            throw new InvalidRequestException("request body is over a JSON parsing limit (" + e.getOriginalMessage()
                    + at(e.getLocation()) + ")");
        } catch (JacksonException e) {
            throw new InvalidRequestException("request body is not valid JSON (" + (e.getLocation() == null
                    ? e.getOriginalMessage() : at(e.getLocation()).substring(2)) + ")");
        } catch (IOException e) {
            throw new InvalidRequestException("request body is not valid JSON (" + e.getMessage() + ")");
        }
    }

    private static String at(JsonLocation l) {
        return l == null ? "" : "; line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static Value value(JsonParser p, boolean build) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case VALUE_NULL -> NullValue.INSTANCE;
            case VALUE_TRUE -> BooleanValue.TRUE;
            case VALUE_FALSE -> BooleanValue.FALSE;
            case VALUE_STRING -> build ? StringValue.of(p.getText()) : null;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p, build);
            case START_ARRAY -> {
                ArrayList<Value> items = build ? new ArrayList<>() : null;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    Value v = value(p, build);
                    if (build) {
                        items.add(v);
                    }
                }
                yield build ? ArrayValue.wrap(items.toArray(new Value[0])) : null;
            }
            case START_OBJECT -> {
                CompactObject o = build ? new CompactObject(4) : null;
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    Value v = value(p, build);
                    if (build) {
                        o.put(key, v); // a repeated key: the last one wins
                    }
                }
                yield build ? o.value() : null;
            }
            default -> throw new InvalidRequestException("request body is not valid JSON (unexpected " + t
                    + at(p.currentLocation()) + ")");
        };
    }

    private static Value number(JsonParser p, boolean build) throws IOException {
        String text = p.getText();
        try {
            NumberValue n = NumberValue.parse(text);
            return build ? n : null;
        } catch (NumberFormatException | ArithmeticException e) {
            JsonLocation l = p.currentTokenLocation();
            throw new InvalidRequestException("request body has a number out of range (" + abbreviate(text)
                    + at(l) + ")");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
