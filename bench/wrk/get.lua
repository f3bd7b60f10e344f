-- wrk script for the GET rows. Arguments after "--" (key=value):
--   range=<Range header value>   e.g. range=bytes=0-65535 (optional)
--   count=0|1                    count exact status codes (default 1; see report.lua)
-- No request() function: wrk then sends one pre-formatted request, the cheapest client.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

function init(args)
   local opts = parse_args(args)
   if opts.range then wrk.headers["Range"] = opts.range end
   if opts.count == "0" then response = nil else response = count_status end
end
