package io.ffmpegqueue.internal.http;

import java.time.Duration;
import okhttp3.Dns;

/**
 * The HTTP fetcher's settings, as its builder collected them.
 *
 * @param connectTimeout the longest a TCP/TLS connect may take
 * @param readTimeout the longest the server may send nothing
 * @param downloadTimeout the longest one whole fetch may take, retries included
 * @param maxSize the largest input accepted
 * @param maxRedirects how many redirects a fetch follows
 * @param maxAttempts how many tries a request gets when failures make no progress
 * @param initialBackoff the wait before the first retry; it doubles
 * @param maxBackoff the longest wait between retries
 * @param maxRetryAfter the longest {@code Retry-After} honoured; a longer one fails the fetch (retryable)
 * @param partSize the size of one range in a parallel download
 * @param parallelism how many ranges download at once; 1 downloads as one stream
 * @param rangedAbove inputs at least this large download in parallel ranges when the server supports them
 * @param policy which hosts and addresses inputs may come from
 * @param dns the resolver whose answers the guard checks
 * @param userAgent the User-Agent header
 */
public record HttpSettings(
    Duration connectTimeout,
    Duration readTimeout,
    Duration downloadTimeout,
    long maxSize,
    int maxRedirects,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    long partSize,
    int parallelism,
    long rangedAbove,
    HostPolicy policy,
    Dns dns,
    String userAgent) {}
