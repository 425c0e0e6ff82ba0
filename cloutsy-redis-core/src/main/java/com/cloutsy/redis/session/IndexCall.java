package com.cloutsy.redis.session;

import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.script.Reply;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A call over a user's session index made of bounded commands: a script that handles the index whole when it is
 * small enough, else a walk of {@code session-sweep.lua} steps along SSCAN's cursor, so that no single command does
 * work proportional to the index. Its blocking form waits as long as steps keep completing, each within the command
 * timeout: a long walk over a huge index is not cut short, while a stalled one still fails after one timeout.
 *
 * @param <T> the call's result
 */
final class IndexCall<T> {

  /** One step of a walk: the reply of {@code session-sweep.lua} from {@code cursor}. */
  interface Step {
    CompletionStage<Reply> from(String cursor);
  }

  /** What a walk makes of its steps' replies. */
  interface Sweep<T> {
    void add(Reply step);

    T result();
  }

  private static final String START = "0";

  private final AtomicLong steps = new AtomicLong();
  private final CompletableFuture<T> result = new CompletableFuture<>();

  private IndexCall() {
  }

  /**
   * The call that starts with {@code whole}'s reply: {@code ifWhole} turns it into the result, or gives null when
   * the index was too large, and then a walk of {@code step} feeds a new {@code sweep}.
   */
  static <T> IndexCall<T> start(CompletionStage<Reply> whole, Function<Reply, @Nullable T> ifWhole, Step step,
      Supplier<Sweep<T>> sweep) {
    IndexCall<T> call = new IndexCall<>();
    whole.whenComplete((reply, failure) -> call.advance(failure, () -> {
      T done = ifWhole.apply(reply);
      if (done != null) {
        call.result.complete(done);
      } else {
        call.walk(step, sweep.get(), START);
      }
    }));
    return call;
  }

  /** A call that is a walk from the start. */
  static <T> IndexCall<T> walk(Step step, Sweep<T> sweep) {
    IndexCall<T> call = new IndexCall<>();
    call.walk(step, sweep, START);
    return call;
  }

  /**
   * A call of {@code count} commands one after the other, {@code batch} giving the {@code i}th, each reply fed to
   * {@code sweep}.
   */
  static <T> IndexCall<T> batches(int count, IntFunction<CompletionStage<Reply>> batch, Sweep<T> sweep) {
    IndexCall<T> call = new IndexCall<>();
    call.batch(0, count, batch, sweep);
    return call;
  }

  /** The result, as a stage. */
  CompletionStage<T> stage() {
    return result;
  }

  /**
   * Waits for the result as {@link RedisRuntime#await(CompletionStage)} does, for as long as each step answers
   * within that bound.
   */
  T await(RedisRuntime runtime) {
    while (true) {
      long before = steps.get();
      try {
        return runtime.await(result);
      } catch (RedisUnavailableException late) {
        if (result.isDone() || steps.get() == before) {
          throw late;
        }
      }
    }
  }

  private void walk(Step step, Sweep<T> sweep, String cursor) {
    CompletionStage<Reply> next;
    try {
      next = step.from(cursor);
    } catch (RuntimeException refused) {
      result.completeExceptionally(refused);
      return;
    }
    next.whenComplete((reply, failure) -> advance(failure, () -> {
      sweep.add(reply);
      String following = Objects.requireNonNull(reply.text(0), "SSCAN's cursor");
      if (START.equals(following)) {
        result.complete(sweep.result());
      } else {
        walk(step, sweep, following);
      }
    }));
  }

  private void batch(int i, int count, IntFunction<CompletionStage<Reply>> batch, Sweep<T> sweep) {
    if (i == count) {
      result.complete(sweep.result());
      return;
    }
    CompletionStage<Reply> next;
    try {
      next = batch.apply(i);
    } catch (RuntimeException refused) {
      result.completeExceptionally(refused);
      return;
    }
    next.whenComplete((reply, failure) -> advance(failure, () -> {
      sweep.add(reply);
      batch(i + 1, count, batch, sweep);
    }));
  }

  private void advance(@Nullable Throwable failure, Runnable then) {
    steps.incrementAndGet();
    if (failure != null) {
      result.completeExceptionally(ServerError.unwrap(failure));
      return;
    }
    try {
      then.run();
    } catch (RuntimeException broken) {
      result.completeExceptionally(broken);
    }
  }
}
