# The ffmpeg-queue HTTP service and standalone worker in one image.
#   docker build -t ffmpeg-queue .
#   docker run -p 127.0.0.1:8000:8000 ffmpeg-queue          # API + 2 workers (the server jar)
#   docker run ffmpeg-queue -jar /app/ffmpeg-queue-worker.jar --num-workers 2   # workers only
# ffmpeg comes bundled in the jars (org.bytedeco:ffmpeg, GPL build with libx264); bubblewrap lets the
# runner sandbox each ffmpeg process. The bundled ffmpeg links a few system libraries (pulse, alsa, xcb,
# drm) that a slim image lacks; they are installed below (Ubuntu 24.04 package names).
#
# Network: inside a container the API must listen on every interface to be reached through a published
# port, so HOST=0.0.0.0 is set below. Without API_TOKEN anyone who reaches the port may run ffmpeg
# commands (the service logs a WARN): publish it on the host's loopback only (-p 127.0.0.1:8000:8000, as
# above and in docker-compose.yml), or set API_TOKEN.
#
# Sandbox: bubblewrap needs what Docker's defaults forbid (new namespaces, mounting /proc). Run with
#   --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined
# and a host that allows user namespaces; else SANDBOX=auto runs ffmpeg without it and /health shows
# checks.sandbox "degraded" with the reason. SANDBOX=required refuses to start without it; SANDBOX=none
# makes the container the only sandbox. Details: docs/security.md#the-sandbox-in-a-container

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q package -DskipTests -pl ffmpeg-queue-examples -am

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap curl \
    libpulse0 libasound2t64 libxcb1 libxcb-shm0 libdrm2 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 ffq \
 && mkdir -p /data/outputs /data/work \
 && chown -R ffq /data
COPY --from=build /src/ffmpeg-queue-examples/target/ffmpeg-queue-server.jar /app/ffmpeg-queue-server.jar
COPY --from=build /src/ffmpeg-queue-examples/target/ffmpeg-queue-worker.jar /app/ffmpeg-queue-worker.jar
USER ffq
WORKDIR /home/ffq
ENV HOST=0.0.0.0 \
    OUTPUT_DIR=/data/outputs \
    WORK_DIR=/data/work \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50"
VOLUME ["/data/outputs"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s \
  CMD curl -fsS http://127.0.0.1:8000/health >/dev/null || exit 1
ENTRYPOINT ["java"]
CMD ["-jar", "/app/ffmpeg-queue-server.jar"]
