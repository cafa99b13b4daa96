package dev.tollgate.authz.server.http;

import dev.tollgate.authz.decision.Header;
import dev.tollgate.authz.server.CheckCall;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;

/** One aggregated HTTP request → one check → one HTTP answer. Shared by every connection and stream. */
@ChannelHandler.Sharable
final class CheckHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(CheckHandler.class.getName());
    /** The last answer of an HTTP/1.1 connection that is not written yet, if any. */
    private static final AttributeKey<CompletableFuture<Void>> PENDING = AttributeKey.valueOf("tollgate-pending-answer");

    private final CheckCall check;
    private final Predicate<CheckRequest> mayBlock;
    private final HttpCheckRequests.Options options;
    private final Executor pool;
    private final String scheme;

    CheckHandler(CheckCall check, Predicate<CheckRequest> mayBlock, HttpCheckRequests.Options options, Executor pool,
                 String scheme) {
        this.check = check;
        this.mayBlock = mayBlock;
        this.options = options;
        this.pool = pool;
        this.scheme = scheme;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean stream = ctx.channel() instanceof Http2StreamChannel;
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            answer(ctx, CompletableFuture.completedFuture(refusal(decoded.cause())), false, stream);
            return;
        }
        boolean keepAlive = stream || HttpUtil.isKeepAlive(request);
        Channel connection = stream ? ctx.channel().parent() : ctx.channel();
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
        for (Map.Entry<String, String> h : request.headers()) {
            headers.add(h);
        }
        HttpRequestView view = new HttpRequestView(request.method().name(), request.uri(),
                stream ? "HTTP/2" : request.protocolVersion().text(), scheme, headers,
                ByteBufUtil.getBytes(request.content()), (InetSocketAddress) connection.remoteAddress(),
                (InetSocketAddress) connection.localAddress(), peerCertificate(connection));
        CheckRequest checkRequest;
        switch (HttpCheckRequests.map(view, options, Instant.now())) {
            case HttpCheckRequests.Refused r -> {
                answer(ctx, CompletableFuture.completedFuture(HttpAnswer.plain(r.status(), r.message())), keepAlive,
                        stream);
                return;
            }
            case HttpCheckRequests.Check c -> checkRequest = c.request();
        }
        if (!mayBlock.test(checkRequest)) {
            HttpAnswer a = HttpCheckResponses.answer(check.check(checkRequest, view.peerCertificate()).message());
            CompletableFuture<Void> pending = stream ? null : ctx.channel().attr(PENDING).get();
            if (pending == null || pending.isDone()) {
                reply(ctx, a, keepAlive, stream); // the usual case: nothing queued before it, no futures
            } else {
                answer(ctx, CompletableFuture.completedFuture(a), keepAlive, stream);
            }
            return;
        }
        CompletableFuture<HttpAnswer> later = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    later.complete(HttpCheckResponses.answer(check.check(checkRequest, view.peerCertificate()).message()));
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "HTTP check failed unexpectedly", e);
                    later.complete(HttpAnswer.plain(503, "the check could not be completed"));
                }
            });
        } catch (RejectedExecutionException e) {
            later.complete(HttpAnswer.plain(503, "too many checks waiting (http.check_queue is full)"));
        }
        answer(ctx, later, keepAlive, stream);
    }

    /**
     * Writes an answer once it is ready. On HTTP/1.1 answers go out in request order (pipelining):
     * each waits for the one before it to be written; HTTP/2 streams are independent.
     */
    private static void answer(ChannelHandlerContext ctx, CompletableFuture<HttpAnswer> answer, boolean keepAlive,
                               boolean stream) {
        if (stream) {
            answer.thenAccept(a -> reply(ctx, a, true, true));
            return;
        }
        CompletableFuture<Void> pending = ctx.channel().attr(PENDING).get();
        CompletableFuture<Void> before = pending == null ? CompletableFuture.completedFuture(null) : pending;
        CompletableFuture<Void> written = before.thenCombine(answer, (ignored, a) -> a)
                .thenCompose(a -> {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    reply(ctx, a, keepAlive, false).addListener(f -> done.complete(null));
                    return done;
                });
        ctx.channel().attr(PENDING).set(written);
    }

    private static HttpAnswer refusal(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpAnswer.plain(414, "request line is longer than the limit (http.max_initial_line_bytes)");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpAnswer.plain(431, "request headers are larger than the limit (http.max_header_bytes)");
        }
        if (cause instanceof TooLongFrameException) {
            return HttpAnswer.plain(413, "request is larger than the limit");
        }
        return HttpAnswer.plain(400, "malformed HTTP request: " + cause.getMessage());
    }

    private static ChannelFuture reply(ChannelHandlerContext ctx, HttpAnswer answer, boolean keepAlive, boolean stream) {
        ChannelFuture written = ctx.writeAndFlush(response(answer, keepAlive));
        if (!keepAlive && !stream) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return written;
    }

    static FullHttpResponse response(HttpAnswer answer, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
        for (Header h : answer.headers()) {
            response.headers().add(h.name(), h.value());
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    private static Optional<X509Certificate> peerCertificate(Channel connection) {
        SslHandler ssl = connection.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? Optional.of(x509) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty(); // no client certificate
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "HTTP listener: connection from " + ctx.channel().remoteAddress() + " failed: " + cause);
        ctx.close();
    }
}
