package io.ffmpegqueue.s3.internal;

import io.ffmpegqueue.io.StoredFile;
import io.ffmpegqueue.io.StoredObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One stored output's deletion, and a task's stored outputs listed by prefix: how a folder output is read back. */
public final class StoredKeys {
  private StoredKeys() {}

  /** Deletes one object; a missing one is not an error (S3 answers 204 either way). */
  public static void delete(S3AsyncClient client, S3Uri target) throws IOException {
    try {
      client.deleteObject(r -> r.bucket(target.bucket()).key(target.key())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while deleting " + target);
    } catch (ExecutionException e) {
      throw S3Errors.io("cannot delete", target, client, e);
    }
  }

  /**
   * The objects under {@code taskPrefix + prefix}, named relative to {@code taskPrefix}, sorted by name.
   *
   * @param taskPrefix the task's key prefix, ending in {@code /}
   * @param prefix the folder inside the task ({@code hls/}), or {@code ""}
   */
  public static List<StoredFile> list(S3AsyncClient client, String bucket, String taskPrefix, String prefix,
      ContentTypes contentTypes) throws IOException {
    List<StoredFile> files = new ArrayList<>();
    S3Uri where = new S3Uri(bucket, taskPrefix + prefix);
    try {
      String token = null;
      do {
        String t = token;
        ListObjectsV2Response page = client.listObjectsV2(r -> r.bucket(bucket).prefix(where.key()).continuationToken(t)).get();
        for (S3Object o : page.contents()) {
          String name = o.key().substring(taskPrefix.length());
          files.add(new StoredFile(name, new StoredObject(new S3Uri(bucket, o.key()).toUri(), o.size(),
              contentTypes.of(name), null, null)));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while listing " + where);
    } catch (ExecutionException e) {
      throw S3Errors.io("cannot list", where, client, e);
    }
    files.sort(Comparator.comparing(StoredFile::name));
    return List.copyOf(files);
  }
}
