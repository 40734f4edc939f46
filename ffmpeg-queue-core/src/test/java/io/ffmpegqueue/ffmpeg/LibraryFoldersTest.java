package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryFoldersTest {
  @TempDir
  Path root;

  @Test
  void the_loaders_trace_gives_each_resolved_library_and_the_loader_itself() {
    String trace = "\tlinux-vdso.so.1 (0x00007ffd)\n"
        + "\tlibblas.so.3 => /lib/x86_64-linux-gnu/libblas.so.3 (0x00007f4de4000000)\n"
        + "\tlibavutil.so.59 => /opt/ffmpeg/lib/libavutil.so.59 (0x00007f0cef000000)\n"
        + "\tlibmissing.so.1 => not found\n"
        + "\t/lib64/ld-linux-x86-64.so.2 (0x00007f4de5226000)\n"
        + "ffmpeg version 7.1 Copyright (c) 2000-2024\n";
    assertThat(LibraryFolders.parse(trace)).containsExactly(Path.of("/lib/x86_64-linux-gnu/libblas.so.3"),
        Path.of("/opt/ffmpeg/lib/libavutil.so.59"), Path.of("/lib64/ld-linux-x86-64.so.2"));
  }

  @Test
  void a_library_that_links_out_of_the_shown_folders_and_back_brings_only_the_folder_of_the_link() throws Exception {
    // Debian's layout: /usr/lib/libblas.so.3 -> /etc/alternatives/libblas.so.3 -> /usr/lib/blas/libblas.so.3
    Path usr = Files.createDirectories(root.resolve("usr/lib/blas"));
    Path alternatives = Files.createDirectories(root.resolve("etc/alternatives"));
    Path real = Files.writeString(usr.resolve("libblas.so.3"), "elf");
    Path alternative = Files.createSymbolicLink(alternatives.resolve("libblas.so.3"), real);
    Path link = Files.createSymbolicLink(root.resolve("usr/lib/libblas.so.3"), alternative);
    Path opt = Files.writeString(Files.createDirectories(root.resolve("opt/ffmpeg/lib")).resolve("libavutil.so"), "elf");

    assertThat(LibraryFolders.linkChain(link)).containsExactly(link, alternative, real);
    assertThat(LibraryFolders.foldersOf(List.of(link, real, opt), List.of(root.resolve("usr"))))
        .containsExactly(alternatives, opt.getParent());
    assertThat(LibraryFolders.foldersOf(List.of(real), List.of(root.resolve("usr")))).isEmpty();
  }
}
