-- wrk script: every request registers a task (POST /ffmpeg/register with the guide's JSON body).
-- Used by scripts/bench-http.sh (docs/benchmarks.md, "HTTP registration").
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"command": "-i input.mp4 -vf scale=640:-2 output.mp4", '
  .. '"input_files": {"input.mp4": "file:///srv/media/video.mp4"}, '
  .. '"output_filename": "output.mp4"}'

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
    end
  end
end
