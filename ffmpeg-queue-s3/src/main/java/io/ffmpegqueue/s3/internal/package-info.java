/** The S3 module's machinery: uploads, downloads, client building, error mapping. No compatibility promise. */
package io.ffmpegqueue.s3.internal;
