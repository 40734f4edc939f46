#!/usr/bin/env bash
# Registers a batch of tasks with the ffmpeg-queue API and follows them until every one has ended
# (the guide's batch example, bounded). Needs curl and jq.
#
#   scripts/batch.sh                         # 10 tasks, each scaling media/video.mp4 (INPUT_ALLOWED_DIRS)
#   COUNT=5 INPUT_URL=https://cdn.example.com/clip.mp4 scripts/batch.sh
#
# Environment: BASE_URL (http://localhost:8000), API_TOKEN (when the API needs one), COUNT (10),
# INPUT_URL (the input of every task; default file://$PWD/media/video.mp4, which the server must allow
# with INPUT_ALLOWED_DIRS), TIMEOUT (seconds to wait for the batch, 600).
set -euo pipefail

BASE_URL="${BASE_URL:-http://localhost:8000}"
COUNT="${COUNT:-10}"
INPUT_URL="${INPUT_URL:-file://$PWD/media/video.mp4}"
TIMEOUT="${TIMEOUT:-600}"

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "batch.sh: $tool is required" >&2; exit 2; }
done

api() {
  if [[ -n "${API_TOKEN:-}" ]]; then
    curl -sS -H "Authorization: Bearer $API_TOKEN" "$@"
  else
    curl -sS "$@"
  fi
}

# Register the tasks.
ids=()
for ((i = 1; i <= COUNT; i++)); do
  body=$(jq -n --arg url "$INPUT_URL" --arg out "output$i.mp4" '{
    command: ("-i input.mp4 -vf scale=640:-2 " + $out),
    input_files: {"input.mp4": $url},
    output_filename: $out
  }')
  answer=$(api -X POST "$BASE_URL/ffmpeg/register" -H "Content-Type: application/json" -d "$body")
  id=$(jq -r '.task_id // empty' <<<"$answer")
  if [[ -z "$id" ]]; then
    echo "Task $i refused: $(jq -r '.detail // .' <<<"$answer")" >&2
    exit 1
  fi
  ids+=("$id")
  echo "Task $i: $id"
done

# Follow them until every one has ended, or TIMEOUT passes.
deadline=$((SECONDS + TIMEOUT))
while ((SECONDS < deadline)); do
  pending=0
  failed=0
  for id in "${ids[@]}"; do
    status=$(api "$BASE_URL/ffmpeg/status/$id" | jq -r .status)
    case "$status" in
      pending | running) pending=$((pending + 1)) ;;
      failed | cancelled) failed=$((failed + 1)) ;;
    esac
  done
  queued=$(api "$BASE_URL/ffmpeg/queue/size" | jq .queue_size)
  echo "Tasks in queue: $queued, not finished: $pending, failed or cancelled: $failed"
  if ((pending == 0)); then
    for id in "${ids[@]}"; do
      api "$BASE_URL/ffmpeg/status/$id" | jq -r '"\(.task_id) \(.status) \(.output_url // .error_message)"'
    done
    ((failed == 0)) && exit 0 || exit 1
  fi
  sleep 5
done
echo "batch.sh: not all tasks ended within $TIMEOUT s" >&2
exit 1
