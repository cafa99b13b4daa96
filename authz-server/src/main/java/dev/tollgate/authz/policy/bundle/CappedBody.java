package dev.tollgate.authz.policy.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Collects a response body, giving up as soon as it grows past a byte limit. */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final long cap;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Flow.Subscription subscription;

  private CappedBody(long cap) {
    this.cap = cap;
  }

  static HttpResponse.BodyHandler<byte[]> handler(long cap) {
    return info -> new CappedBody(cap);
  }

  /** The body was larger than the limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long cap) {
      super("response body exceeds " + cap + " bytes");
    }
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      if (out.size() + (long) b.remaining() > cap) {
        subscription.cancel();
        result.completeExceptionally(new TooLarge(cap));
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.writeBytes(chunk);
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }
}
