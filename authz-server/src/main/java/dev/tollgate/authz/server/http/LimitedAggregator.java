package dev.tollgate.authz.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;

/** Collects a request body up to the limit; a larger one gets a 413 that says the limit. */
final class LimitedAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;

    LimitedAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        HttpAnswer answer = HttpAnswer.plain(413,
                "request body is larger than the limit of " + maxBodyBytes + " bytes (http.max_body_bytes)");
        boolean stream = ctx.channel() instanceof Http2StreamChannel;
        // HTTP/1: the rest of the body would be read as the next request, so the connection ends here.
        var written = ctx.writeAndFlush(CheckHandler.response(answer, !stream));
        if (!stream) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
