package io.ffmpegqueue.s3.internal;

import java.util.Map;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * What an uploaded object carries besides its bytes.
 *
 * @param contentType its media type
 * @param metadata user metadata ({@code x-amz-meta-*})
 * @param storageClass the storage class, or {@code null} for the bucket's default
 * @param encryption server-side encryption, or {@code null} for the bucket's default
 * @param kmsKeyId the KMS key for {@code aws:kms} encryption, or {@code null}
 */
public record ObjectAttributes(
    String contentType,
    Map<String, String> metadata,
    StorageClass storageClass,
    ServerSideEncryption encryption,
    String kmsKeyId) {

  /** Copies the metadata. */
  public ObjectAttributes {
    metadata = Map.copyOf(metadata);
  }

  /** Sets these attributes on a single PUT. */
  public PutObjectRequest.Builder applyTo(PutObjectRequest.Builder b) {
    b.contentType(contentType).metadata(metadata);
    if (storageClass != null) {
      b.storageClass(storageClass);
    }
    if (encryption != null) {
      b.serverSideEncryption(encryption);
    }
    if (kmsKeyId != null) {
      b.ssekmsKeyId(kmsKeyId);
    }
    return b;
  }

  /** Sets these attributes on the start of a multipart upload. */
  public CreateMultipartUploadRequest.Builder applyTo(CreateMultipartUploadRequest.Builder b) {
    b.contentType(contentType).metadata(metadata);
    if (storageClass != null) {
      b.storageClass(storageClass);
    }
    if (encryption != null) {
      b.serverSideEncryption(encryption);
    }
    if (kmsKeyId != null) {
      b.ssekmsKeyId(kmsKeyId);
    }
    return b;
  }
}
