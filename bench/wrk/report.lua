-- Shared by get.lua and put.lua (loaded with dofile): counts HTTP status codes per thread and
-- prints one machine-readable RESULT line that bench/run.sh parses.
--
-- Status counting needs wrk's response() hook, and with that hook wrk copies every response body
-- into a Lua string. That is cheap for 4 KiB, 64 KiB and empty PUT answers, but a memcpy of 1 MiB
-- per request on a 2-core box where wrk shares the CPU with the server; callers switch counting
-- off there (count=0) and rely on wrk's own count of statuses > 399 plus run.sh's curl probe.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

-- Parses "key=value" script arguments (after wrk's "--") into a table.
function parse_args(args)
   local opts = {}
   for _, a in ipairs(args) do
      local k, v = a:match("^([%w_]+)=(.*)$")
      if not k then error("bad script argument: " .. a) end
      opts[k] = v
   end
   return opts
end

statuses = {}

function count_status(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local merged, codes = {}, {}
   for _, t in ipairs(threads) do
      for code, n in pairs(t:get("statuses") or {}) do
         if merged[code] == nil then table.insert(codes, code) end
         merged[code] = (merged[code] or 0) + n
      end
   end
   table.sort(codes)
   local parts = {}
   for _, code in ipairs(codes) do table.insert(parts, code .. ":" .. merged[code]) end
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_us=%d bytes=%d statuses=%s status_gt399=%d"
      .. " connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d\n",
      summary.requests, summary.duration, summary.bytes,
      #parts > 0 and table.concat(parts, ",") or "-", e.status,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(99)))
end
