package io.ffmpegqueue.examples;

import io.ffmpegqueue.TaskRequest;
import java.net.URI;
import java.util.List;

/**
 * The requests of docs/media-outputs.md, compiled: HLS, an HLS ladder, fMP4 HLS, DASH, the segment muxer and
 * thumbnails, each declaring folders ({@code "hls/"}) or numbered patterns ({@code "thumb_%03d.jpg"}).
 */
public final class MediaOutputsExample {
  private MediaOutputsExample() {}

  /** Every example request, by name. */
  public static List<TaskRequest> all() {
    return List.of(hls(), ladder(), fmp4(), dash(), segments(), thumbnails(), encryptedHls());
  }

  /** One rendition of HLS, 4-second segments, in the folder {@code hls/}. */
  public static TaskRequest hls() {
    // sample:hls
    TaskRequest request = TaskRequest.builder()
        .command("-i input.mp4 -c:v libx264 -c:a aac -f hls -hls_time 4 -hls_playlist_type vod "
            + "-hls_segment_filename hls/seg_%03d.ts hls/index.m3u8")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("hls/index.m3u8") // output_url: the playlist
        .output("hls/")           // every file under hls/ is stored
        .build();
    // end-sample
    return request;
  }

  /** Three renditions and a master playlist: {@code %v} names each rendition's folder. */
  public static TaskRequest ladder() {
    // sample:ladder
    TaskRequest request = TaskRequest.builder()
        .command("-i input.mp4 -map 0:v -map 0:a -map 0:v -map 0:a -map 0:v -map 0:a -c:v libx264 -c:a aac "
            + "-s:v:0 1280x720 -b:v:0 3000k -s:v:1 854x480 -b:v:1 1200k -s:v:2 640x360 -b:v:2 600k "
            + "-f hls -hls_time 4 -hls_playlist_type vod -master_pl_name master.m3u8 "
            + "-var_stream_map 'v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p' "
            + "-hls_segment_filename 'hls/%v/seg_%03d.ts' hls/%v/index.m3u8")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("hls/master.m3u8")
        .output("hls/")
        .build();
    // end-sample
    return request;
  }

  /** HLS with fragmented MP4 segments and an init file beside the playlist. */
  public static TaskRequest fmp4() {
    // sample:fmp4
    TaskRequest request = TaskRequest.builder()
        .command("-i input.mp4 -c:v libx264 -c:a aac -f hls -hls_time 4 -hls_playlist_type vod "
            + "-hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 "
            + "-hls_segment_filename hls/seg_%03d.m4s hls/index.m3u8")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("hls/index.m3u8")
        .output("hls/")
        .build();
    // end-sample
    return request;
  }

  /** DASH: the manifest and its segments in {@code dash/}. */
  public static TaskRequest dash() {
    // sample:dash
    TaskRequest request = TaskRequest.builder()
        .command("-i input.mp4 -c:v libx264 -c:a aac -f dash -seg_duration 4 "
            + "-init_seg_name 'init-$RepresentationID$.$ext$' "
            + "-media_seg_name 'chunk-$RepresentationID$-$Number%05d$.$ext$' dash/manifest.mpd")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("dash/manifest.mpd")
        .output("dash/")
        .build();
    // end-sample
    return request;
  }

  /** The segment muxer: a numbered series of files and their list. */
  public static TaskRequest segments() {
    // sample:segments
    TaskRequest request = TaskRequest.builder()
        .command("-i input.mp4 -map 0 -c copy -f segment -segment_time 10 -segment_list parts.m3u8 part_%03d.ts")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("parts.m3u8")
        .output("part_%03d.ts")
        .build();
    // end-sample
    return request;
  }

  /** A thumbnail every 10 seconds. */
  public static TaskRequest thumbnails() {
    // sample:thumbnails
    TaskRequest request = TaskRequest.builder()
        .command("-i input.mp4 -vf fps=1/10,scale=320:-2 -q:v 4 thumbs/thumb_%03d.jpg")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .output("thumbs/thumb_%03d.jpg")
        .build();
    // end-sample
    return request;
  }

  /** HLS encrypted with the host's own AES-128 key: the key info file and the key are declared inputs. */
  public static TaskRequest encryptedHls() {
    // sample:encrypted-hls
    TaskRequest request = TaskRequest.builder()
        .command("-i input.mp4 -c:v libx264 -c:a aac -f hls -hls_time 4 -hls_playlist_type vod "
            + "-hls_key_info_file key.info -hls_segment_filename hls/seg_%03d.ts hls/index.m3u8")
        .input("input.mp4", URI.create("https://example.com/video.mp4"))
        .input("key.info", URI.create("https://keys.internal.example.com/video-42.info")) // URI, key file, IV
        .input("enc.key", URI.create("https://keys.internal.example.com/video-42.key"))   // 16 bytes
        .output("hls/index.m3u8")
        .output("hls/")
        .build();
    // end-sample
    return request;
  }
}
