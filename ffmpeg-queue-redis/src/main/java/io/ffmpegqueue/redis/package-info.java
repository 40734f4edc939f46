/**
 * The Redis backend: {@link io.ffmpegqueue.redis.RedisQueueBackend}, tasks in Redis 7 (standalone or
 * cluster) shared by every process of one queue.
 */
package io.ffmpegqueue.redis;
