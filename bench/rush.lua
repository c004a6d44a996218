-- wrk script for the booking rush: residents booking (with guests) and cancelling meals in the coming week.
-- Env: RUSH_TOKENS (file of "resident_id token" lines), RUSH_MODE ("api" or "bare"), RUSH_DATES, RUSH_SLOTS.
local tokens = {}
local mode, dates, slots, slot_ids = "api", {}, {}, {}

local function split(s)
  local out = {}
  for part in string.gmatch(s, "[^,]+") do table.insert(out, part) end
  return out
end

function init(args)
  mode = os.getenv("RUSH_MODE") or "api"
  dates = split(os.getenv("RUSH_DATES"))
  slots = split(os.getenv("RUSH_SLOTS"))
  slot_ids = split(os.getenv("RUSH_SLOT_IDS"))
  for line in io.lines(os.getenv("RUSH_TOKENS")) do
    local id, token = string.match(line, "(%d+) (.+)")
    table.insert(tokens, {id = id, token = token})
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  local who = tokens[math.random(#tokens)]
  local day = dates[math.random(#dates)]
  local s = math.random(#slots)
  local book = math.random() < 0.5
  local method = book and "PUT" or "DELETE"
  local body = book and string.format('{"guests": %d}', math.random(0, 2)) or nil
  local headers = {["Content-Type"] = "application/json"}
  local path
  if mode == "api" then
    headers["Authorization"] = "Bearer " .. who.token
    path = string.format("/api/v1/bookings/%s/%s", day, slots[s])
  else
    path = string.format("/bare/%s/%s/%s", who.id, day, slot_ids[s])
  end
  return wrk.format(method, path, headers, body)
end

-- No response() callback: wrk parses every response for Lua when one is defined. Statuses >= 400 are counted by
-- wrk itself (summary.errors.status). The latency histogram is printed whole (value in us, count) so the
-- benchmark can merge the rounds of a run exactly.
function done(summary, latency, requests)
  local hist = {}
  for i = 1, #latency do
    local value, count = latency(i)
    hist[#hist + 1] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "socket_errors": %d, "non_2xx": %d, "latency_us": [%s]}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, table.concat(hist, ",")))
end
