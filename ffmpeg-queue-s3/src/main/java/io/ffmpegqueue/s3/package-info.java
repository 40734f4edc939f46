/**
 * S3 for ffmpeg-queue, on the AWS SDK for Java v2: {@link io.ffmpegqueue.s3.S3Storage} stores outputs in a
 * bucket (multipart and parallel for large ones, with presigned download URLs on request),
 * {@link io.ffmpegqueue.s3.S3InputFetcher} fetches {@code s3://} inputs with parallel ranged GETs, and
 * {@link io.ffmpegqueue.s3.S3Settings} configures both from environment variables ({@code S3_BUCKET}, ...). Works with
 * AWS and with S3-compatible stores (MinIO, Ceph, R2, S3Proxy) through an endpoint override.
 */
package io.ffmpegqueue.s3;
