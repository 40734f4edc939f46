package io.ffmpegqueue.bench.admin;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskStatus;
import io.ffmpegqueue.redis.RedisQueueBackend;
import io.ffmpegqueue.spi.ClaimRequest;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills the Redis backend: the PENDING and RUNNING tasks through its own API (enqueue, claim), the tasks that ended
 * (95 %) by a script of this benchmark that writes, {@value #BATCH} at a time, the keys finish.lua leaves behind
 * for them: the task's hash (request, outputs and error copied from {@link Templates} as the backend stored them),
 * its member of the {@code created} index, and its end time in {@code final} and {@code s:<status>}. It writes
 * the key layout of this commit (see RedisTaskAdmin, enqueue.lua, finish-lib.lua); a change there means a change
 * here.
 */
final class RedisFill {
  private static final int BATCH = 5000;
  // ARGV: 1 key prefix, 2 request template, 3 outputs, 4 error, then per task: id, number, created (microseconds),
  // created (as the task JSON writes it).
  private static final String SCRIPT = """
      local P, req, out, err = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
      local widths = {640, 1280, 1920, 3840}
      local n = (#ARGV - 4) / 4
      local seq = redis.call('INCRBY', P .. 'seq', n) - n
      for k = 0, n - 1 do
        local id, i, c, crt = ARGV[5 + 4 * k], tonumber(ARGV[6 + 4 * k]), tonumber(ARGV[7 + 4 * k]), ARGV[8 + 4 * k]
        local r = i % 100
        local st = 'COMPLETED'
        if r >= 80 and r < 90 then st = 'FAILED' elseif r >= 90 and r < 93 then st = 'CANCELLED' end
        local cmd = '-ss ' .. (i % 60) .. ' -i input.mp4 -vf scale=' .. widths[i % 4 + 1]
          .. ':-2 -c:v libx264 -metadata title=job' .. i .. '; output.mp4'
        local flag = 'none'
        if i % 200000 == 0 then flag = 'vip' end
        local rq = string.gsub(string.gsub(string.gsub(string.gsub(req, '__CMD__', cmd), '__TEN__', 'tenant-' .. (i % 20)),
          '__CUS__', 'c' .. (i % 1000)), '__FLG__', flag)
        rq = string.gsub(string.gsub(rq, '__ID__', id), '__CRT__', crt)
        local sa = c + (1 + i % 7) * 1000000
        local fa = sa + (5 + i % 50) * 1000000
        local ck = string.format('%016x', c) .. id
        local key = P .. 't:' .. id
        redis.call('HSET', key, 'req', rq, 'st', st, 'at', 1, 'run', string.format('%d', c), 'tn', 'tenant-' .. (i % 20),
          'ma', 3, 'ck', ck, 'sa', string.format('%d', sa), 'fa', string.format('%d', fa),
          'rk', '80000000' .. string.format('%012x', seq + k + 1) .. id)
        if st == 'COMPLETED' then redis.call('HSET', key, 'out', out, 'pg', '1.0') else redis.call('HSET', key, 'err', err, 'pg', '') end
        redis.call('ZADD', P .. 'created', 0, ck)
        redis.call('ZADD', P .. 'final', fa, id)
        redis.call('ZADD', P .. 's:' .. st, fa, id)
      end
      return n
      """;

  private RedisFill() {}

  static void fill(RedisCommands<String, String> redis, RedisQueueBackend b, Mix mix) throws Exception {
    String p = "{" + RedisQueueBackend.DEFAULT_PREFIX + "}:";
    Templates t = new Templates(b);
    String request = t.placeholders(redis.hget(p + "t:" + t.completed.value(), "req"));
    String outputs = redis.hget(p + "t:" + t.completed.value(), "out");
    String error = redis.hget(p + "t:" + t.failed.value(), "err");
    t.delete(b);
    String sha = redis.scriptLoad(SCRIPT);
    // The running ones first, claimed at once, so that the claim takes them and no other.
    int running = 0;
    for (int i = 0; i < mix.n; i++) {
      if (Mix.status(i) == TaskStatus.RUNNING) {
        b.enqueue(Task.pending(TaskId.random(), Mix.request(i), mix.createdAt(i)));
        running++;
      }
    }
    ClaimRequest claim = new ClaimRequest("bench-worker", 100, Duration.ofDays(30), Duration.ZERO);
    for (int claimed = 0; claimed < running; ) {
      claimed += b.claim(claim).size();
    }
    List<String> args = new ArrayList<>();
    for (int i = 0; i < mix.n; i++) {
      TaskStatus s = Mix.status(i);
      if (s == TaskStatus.PENDING) {
        var r = Mix.request(i);
        if (Mix.scheduled(i)) {
          r = r.toBuilder().runAt(mix.start.plus(Duration.ofDays(1))).build();
        }
        b.enqueue(Task.pending(TaskId.random(), r, mix.createdAt(i)));
      } else if (s != TaskStatus.RUNNING) {
        if (args.isEmpty()) {
          args.addAll(List.of(p, request, outputs, error));
        }
        args.add(TaskId.random().value());
        args.add(Integer.toString(i));
        args.add(Long.toString(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, mix.createdAt(i))));
        args.add(mix.createdAt(i).toString());
        if (args.size() >= 4 + 4 * BATCH) {
          redis.evalsha(sha, ScriptOutputType.INTEGER, new String[0], args.toArray(String[]::new));
          args.clear();
        }
      }
    }
    if (!args.isEmpty()) {
      redis.evalsha(sha, ScriptOutputType.INTEGER, new String[0], args.toArray(String[]::new));
    }
  }
}
