package dev.tollgate.authz.server.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A Netty HTTP client for tests: HTTP/1.1, or HTTP/2 over cleartext with prior knowledge. */
final class NettyHttpClient implements AutoCloseable {
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    Response send(int port, boolean http2, String method, String target, List<Map.Entry<String, String>> headers,
                  byte[] body) throws Exception {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), target,
                Unpooled.wrappedBuffer(body));
        for (Map.Entry<String, String> h : headers) {
            request.headers().add(h.getKey(), h.getValue());
        }
        if (body.length > 0 || method.equals("POST")) {
            request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        SimpleChannelInboundHandler<FullHttpResponse> reader = new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                List<Map.Entry<String, String>> hs = new ArrayList<>();
                for (Map.Entry<String, String> h : r.headers()) {
                    hs.add(Map.entry(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
                }
                answer.complete(new Response(r.status().code(), hs, ByteBufUtil.getBytes(r.content())));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                answer.completeExceptionally(cause);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                answer.completeExceptionally(new IllegalStateException("closed without a response"));
            }
        };
        Channel connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (http2) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                        @Override
                                        protected void initChannel(Channel c) {
                                        }
                                    }));
                        } else {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 24), reader);
                        }
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
        try {
            if (http2) {
                request.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
                Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                        .handler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel s) {
                                s.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false),
                                        new HttpObjectAggregator(1 << 24), reader);
                            }
                        }).open().sync().getNow();
                stream.writeAndFlush(request).sync();
            } else {
                connection.writeAndFlush(request).sync();
            }
            return answer.get(20, TimeUnit.SECONDS);
        } finally {
            connection.close().sync();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
