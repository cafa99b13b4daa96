package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampTest {
    @ParameterizedTest(name = "{0}s {1}ns")
    @CsvSource({"0,0", "1764000000,123000000", "1764000000,123456000", "1764000000,123456789", "951782400,1",
            "-1,999999999", "253402300799,999999999", "-62135596800,0", "1700000000,5000000"})
    void formatsLikeProtojson(long seconds, int nanos) throws Exception {
        Timestamp t = Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
        String protojson = JsonFormat.printer().print(t);
        assertEquals(protojson.substring(1, protojson.length() - 1), AttributeObjects.timestamp(t));
    }
}
