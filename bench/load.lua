-- wrk script of the API benchmark (bench/harness/api.py).
--
--   wrk ... -s bench/load.lua URL -- IDS_FILE METHOD PATH_TEMPLATE TOKEN BODY_TEMPLATE
--
-- Every request takes a random id from IDS_FILE (one per line) and puts it for "{id}" in
-- PATH_TEMPLATE and BODY_TEMPLATE; TOKEN "-" sends no Authorization header, BODY_TEMPLATE
-- "-" sends no body. Responses outside 2xx are counted (wrk itself counts only >= 400),
-- and done() prints one line "BENCH_JSON {...}" that bench/harness/stats.py parses.

local threads = {}
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("thread_number", thread_count)
   table.insert(threads, thread)
end

local ids, method, path_template, headers, body_template
non_2xx = 0
first_bad_status = 0

function init(args)
   local ids_file, token = args[1], args[4]
   method, path_template, body_template = args[2], args[3], args[5]
   ids = {}
   for line in io.lines(ids_file) do
      if line ~= "" then ids[#ids + 1] = line end
   end
   if #ids == 0 then error("no ids in " .. ids_file) end
   headers = {}
   if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
   if body_template == "-" then
      body_template = nil
   else
      headers["Content-Type"] = "application/json"
   end
   math.randomseed(os.time() * 1000 + thread_number)
end

function request()
   local id = ids[math.random(#ids)]
   local path = (string.gsub(path_template, "{id}", id))
   local body = nil
   if body_template then body = (string.gsub(body_template, "{id}", id)) end
   return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non_2xx = non_2xx + 1
      if first_bad_status == 0 then first_bad_status = status end
   end
end

function done(summary, latency, requests)
   local bad, first_bad = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non_2xx") or 0)
      local status = thread:get("first_bad_status") or 0
      if first_bad == 0 then first_bad = status end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "non_2xx": %d, "first_bad_status": %d, "duration_us": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d}}\n',
      summary.requests, bad, first_bad, summary.duration,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
