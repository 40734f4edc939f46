-- wrk script: every request registers a task (POST /ffmpeg/register with the guide's JSON body).
-- Used by scripts/bench-http.sh (docs/benchmarks.md, "HTTP registration").
--
-- With RATE in the environment (and CONNECTIONS, default 64), each connection waits between its requests
-- so that all of them together ask for about RATE registrations a second: a load the server is meant to
-- carry, rather than as much as it can take. wrk has no open-loop mode, so a connection waits
-- CONNECTIONS / RATE after each answer: the achieved rate is a little below RATE, and wrk prints it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"command": "-i input.mp4 -vf scale=640:-2 output.mp4", '
  .. '"input_files": {"input.mp4": "file:///srv/media/video.mp4"}, '
  .. '"output_filename": "output.mp4"}'

local rate = tonumber(os.getenv("RATE") or "")
if rate then
  local pause_ms = 1000 * tonumber(os.getenv("CONNECTIONS") or "64") / rate
  function delay()
    return pause_ms
  end
end

local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 <= 3 then
      io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
    end
  end
end
