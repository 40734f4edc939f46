package io.ffmpegqueue.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lua scripts that make every state change one atomic step on the server, run by their digest
 * ({@code EVALSHA}) and sent again in full when the server has not seen them (after a restart, on a new cluster
 * node). Each script is {@code lib.lua}, the libraries it needs, and its own body; it names one key, the
 * queue's pending set, which routes it to the queue's node in a cluster (every key of a queue shares its hash
 * tag, so the keys a script builds from the prefix live on that node too).
 */
final class Scripts {
  /** One script: its text and digest. */
  enum Script {
    ENQUEUE("enqueue", "graph-lib"),
    CLAIM("claim", "claim-lib"),
    FINISH("finish", "graph-lib", "finish-lib"),
    FINISH_CLAIM("finish-claim", "claim-lib", "graph-lib", "finish-lib"),
    RENEW("renew"),
    CANCEL("cancel", "graph-lib", "cancel-lib"),
    AWAIT("await", "graph-lib", "cancel-lib"),
    REAP("reap", "graph-lib"),
    PRUNE("prune", "remove-lib"),
    FIND("find", "graph-lib"),
    LIST("list", "graph-lib"),
    COUNTS("counts"),
    WEBHOOK_CLAIM("webhook-claim"),
    WEBHOOK_UPDATE("webhook-update"),
    MESSAGE_ADD("message-add"),
    MESSAGE_CLAIM("message-claim"),
    MESSAGE_UPDATE("message-update"),
    MESSAGE_REMOVE("message-remove"),
    ADMIN_RETRY("admin-retry", "graph-lib"),
    ADMIN_DELETE("admin-delete", "graph-lib", "remove-lib"),
    ADMIN_HISTORY("admin-history"),
    ADMIN_SEARCH("admin-search", "graph-lib"),
    ADMIN_STATS("admin-stats");

    private final String text;
    private final String digest;

    Script(String name, String... libraries) {
      StringBuilder b = new StringBuilder(read("lib"));
      for (String lib : libraries) {
        b.append('\n').append(read(lib));
      }
      this.text = b.append('\n').append(read(name)).toString();
      this.digest = sha1(text);
    }
  }

  private final RedisClusterCommands<String, String> redis;
  private final String[] keys;
  private final String prefix;
  private final String origin;

  Scripts(RedisClusterCommands<String, String> redis, String prefix, String origin) {
    this.redis = redis;
    this.prefix = prefix;
    this.origin = origin;
    this.keys = new String[] {prefix + "pending"};
  }

  /** Runs {@code script} with ARGV {@code prefix, origin, args...}; a list answer. */
  List<?> list(Script script, Object... args) {
    Object r = run(script, ScriptOutputType.MULTI, args);
    return r == null ? List.of() : (List<?>) r;
  }

  /** Runs {@code script}; an integer answer. */
  long number(Script script, Object... args) {
    Object r = run(script, ScriptOutputType.INTEGER, args);
    return r == null ? 0 : (Long) r;
  }

  private Object run(Script script, ScriptOutputType type, Object... args) {
    String[] argv = new String[args.length + 2];
    argv[0] = prefix;
    argv[1] = origin;
    for (int i = 0; i < args.length; i++) {
      argv[i + 2] = String.valueOf(args[i]);
    }
    try {
      return redis.evalsha(script.digest, type, keys, argv);
    } catch (RedisNoScriptException e) {
      return redis.eval(script.text, type, keys, argv);
    }
  }

  /** The ARGV form of per-tenant running limits: the default, a count, then tenant and limit pairs. */
  static List<Object> limits(int defaultLimit, java.util.Map<String, Integer> byTenant) {
    List<Object> a = new ArrayList<>(2 + 2 * byTenant.size());
    a.add(defaultLimit);
    a.add(byTenant.size());
    byTenant.forEach((t, n) -> {
      a.add(t);
      a.add(n);
    });
    return a;
  }

  private static String read(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream("lua/" + name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing resource lua/" + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(40);
      for (byte b : d) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
