package io.ffmpegqueue.ffmpeg;

/**
 * Whether ffmpeg runs isolated from the rest of the machine, in addition to the command policy.
 *
 * <p>With bubblewrap ({@code bwrap}, Debian package {@code bubblewrap}), ffmpeg sees only the system's
 * libraries and its own folder, read-only, and its task's workspace, writable; it has no network and no
 * other processes in view, and dies with the JVM. Without it, the policy alone keeps the command to its
 * declared files, and ffmpeg still dies with the JVM where {@code setpriv} (util-linux) is available.
 */
public enum Sandbox {
  /** bubblewrap when it is installed and works here, else the policy alone; which one is logged at start. */
  AUTO,
  /** bubblewrap, or the runner refuses to start. */
  REQUIRED,
  /** No sandbox: the command policy and the runner's ffmpeg options only. */
  NONE
}
