-- wrk script for bench/live.py: location batches of five points from many technicians.
-- Each wrk thread cycles through its own share of the tokens, so no phone posts from two threads.
local threads = {}
local counter = 0
local mine = {}
accepted = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(args[1]) do all[#all + 1] = line end
  local count = tonumber(args[2])
  for i = 1, #all do
    if (i - 1) % count == tid then mine[#mine + 1] = all[i] end
  end
end

function request()
  counter = counter + 1
  local token = mine[(counter % #mine) + 1]
  local now = os.time()
  local points = {}
  for back = 4, 0, -1 do
    points[#points + 1] = string.format('{"lat":47.14,"lon":9.52,"recorded_at":"%s"}', os.date("!%Y-%m-%dT%H:%M:%SZ", now - back))
  end
  local body = '{"points":[' .. table.concat(points, ",") .. ']}'
  return wrk.format("POST", "/v1/technicians/me/locations",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

function response(status, headers, body)
  local count = body:match('"accepted":(%d+)')
  if count then accepted = accepted + tonumber(count) end
end

function done(summary, latency, requests)
  local points = 0
  for _, thread in ipairs(threads) do points = points + thread:get("accepted") end
  io.write(string.format(
    'RESULT {"requests": %d, "accepted_points": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "non_2xx": %d}\n',
    summary.requests, points, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.status))
end
