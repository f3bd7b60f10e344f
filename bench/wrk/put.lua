-- wrk script for the PUT row: every request uploads SIZE bytes to a path never used before.
-- Arguments after "--" (key=value):
--   size=<bytes>        body size
--   threads=<n>         wrk's -t, so each thread takes its own share of the URL list
--   urls=<file>         request targets, one a line (signed URLs precomputed by sign.py), or
--   prefix=<path>       generate "<prefix>/t<thread>-<n>.bin" (servers without tokens)
-- A thread that runs out of URLs starts over at its first one: the server then sees re-uploads
-- (409 from our service), which the status column shows instead of hiding.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local body, targets, prefix
local n = 0

function init(args)
   local opts = parse_args(args)
   local size = tonumber(opts.size)
   -- One body per thread, built once: a 1 KiB pattern repeated (content does not matter to any
   -- of the servers; none of them compresses or inspects it).
   local block = string.rep("0123456789abcdef", 64)
   body = string.rep(block, math.floor(size / #block)) .. block:sub(1, size % #block)
   wrk.method = "PUT"
   wrk.headers["Content-Type"] = "application/octet-stream"
   if opts.urls then
      local threads = tonumber(opts.threads)
      targets = {}
      local i = 0
      for line in io.lines(opts.urls) do
         if i % threads == id then table.insert(targets, line) end
         i = i + 1
      end
      if #targets == 0 then error("no URLs for thread " .. id .. " in " .. opts.urls) end
   else
      prefix = opts.prefix .. "/t" .. id .. "-"
   end
   response = count_status
end

function request()
   n = n + 1
   local path
   if targets then
      path = targets[(n - 1) % #targets + 1]
   else
      path = prefix .. n .. ".bin"
   end
   return wrk.format("PUT", path, nil, body)
end
