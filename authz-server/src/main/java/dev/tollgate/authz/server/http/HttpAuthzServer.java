package dev.tollgate.authz.server.http;

import dev.tollgate.authz.config.HttpSettings;
import dev.tollgate.authz.server.CheckCall;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Envoy's HTTP ext_authz protocol on Netty: HTTP/1.1, and HTTP/2 over cleartext (prior knowledge
 * or {@code Upgrade: h2c}) or over TLS (ALPN). Every request is one check; checks of tenants whose
 * evaluation may block run on a bounded pool, the others on the event loop.
 */
public final class HttpAuthzServer {
    private static final System.Logger LOG = System.getLogger(HttpAuthzServer.class.getName());

    private final Channel server;
    private final EventLoopGroup group;
    private final ExecutorService checkPool;

    private HttpAuthzServer(Channel server, EventLoopGroup group, ExecutorService checkPool) {
        this.server = server;
        this.group = group;
        this.checkPool = checkPool;
    }

    /**
     * @param check    the (traced or plain) check
     * @param mayBlock whether a check may block (its tenant uses wasm, Redis counters or http.send)
     * @param tls      server TLS (with ALPN h2 and http/1.1), or empty for cleartext
     */
    public static HttpAuthzServer start(HttpSettings settings, CheckCall check, Predicate<CheckRequest> mayBlock,
                                        HttpCheckRequests.Options options, Optional<SslContext> tls)
            throws IOException {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.checkThreads(), settings.checkThreads(),
                30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.checkQueue()), r -> {
            Thread t = new Thread(r, "tollgate-http-check-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        CheckHandler handler = new CheckHandler(check, mayBlock, options, pool, tls.isPresent() ? "https" : "http");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls.isPresent()) {
                            ch.pipeline().addLast(tls.get().newHandler(ch.alloc()));
                            ch.pipeline().addLast(new Negotiation(settings, handler));
                        } else {
                            cleartext(ch.pipeline(), settings, handler);
                        }
                    }
                });
        InetSocketAddress address = new InetSocketAddress(settings.listener().address(), settings.listener().port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            pool.shutdownNow();
            throw new IOException("HTTP listener: cannot bind " + address + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        return new HttpAuthzServer(bound.channel(), group, pool);
    }

    /** h2c by prior knowledge or by upgrade, else HTTP/1.1. */
    private static void cleartext(ChannelPipeline p, HttpSettings settings, CheckHandler handler) {
        HttpServerCodec codec = codec(settings);
        HttpServerUpgradeHandler.UpgradeCodecFactory upgrades = protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(http2Codec(settings), new Http2MultiplexHandler(streams(settings, handler)))
                        : null;
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(codec, upgrades, settings.maxBodyBytes());
        p.addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(http2Codec(settings), new Http2MultiplexHandler(streams(settings, handler)));
            }
        }));
        p.addLast(new SimpleChannelInboundHandler<HttpMessage>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpMessage msg) {
                // Reached only by HTTP/1.x (no upgrade, or an upgrade to something other than h2c).
                ctx.pipeline().addAfter(ctx.name(), null, handler);
                ctx.pipeline().replace(this, null, new LimitedAggregator(settings.maxBodyBytes()));
                ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
            }
        });
    }

    private static HttpServerCodec codec(HttpSettings settings) {
        return new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxInitialLineBytes())
                .setMaxHeaderSize(settings.maxHeaderBytes()));
    }

    private static Http2FrameCodec http2Codec(HttpSettings settings) {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(settings.maxHeaderBytes()))
                .build();
    }

    private static ChannelInitializer<Http2StreamChannel> streams(HttpSettings settings, CheckHandler handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new LimitedAggregator(settings.maxBodyBytes()), handler);
            }
        };
    }

    /** TLS: ALPN picks h2 or http/1.1. */
    private static final class Negotiation extends ApplicationProtocolNegotiationHandler {
        private final HttpSettings settings;
        private final CheckHandler handler;

        Negotiation(HttpSettings settings, CheckHandler handler) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.settings = settings;
            this.handler = handler;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ctx.pipeline().addLast(http2Codec(settings), new Http2MultiplexHandler(streams(settings, handler)));
            } else {
                ctx.pipeline().addLast(codec(settings), new LimitedAggregator(settings.maxBodyBytes()), handler);
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.DEBUG, "HTTP listener: TLS handshake with " + ctx.channel().remoteAddress() + " failed: "
                    + cause.getMessage());
            ctx.close();
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops accepting, lets checks in flight finish within {@code grace}, then closes connections. */
    public void shutdown(Duration grace) {
        if (group.isShuttingDown()) {
            return;
        }
        server.close().syncUninterruptibly();
        checkPool.shutdown();
        try {
            checkPool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkPool.shutdownNow();
        group.shutdownGracefully(0, Math.max(100, grace.toMillis()), TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
