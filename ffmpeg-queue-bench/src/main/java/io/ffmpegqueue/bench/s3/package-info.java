/** The S3 upload benchmark: {@link io.ffmpegqueue.bench.s3.S3UploadBench}. */
package io.ffmpegqueue.bench.s3;
