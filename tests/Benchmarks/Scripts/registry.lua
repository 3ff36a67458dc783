-- Sends the requests of the file named by BENCH_REQUESTS (one `path<TAB>body` a line) in file order,
-- with the method BENCH_METHOD, so that each registration uses a fresh identifier until the file runs
-- out; then it starts over and says so (`wrapped: 1`). Prints the 95th percentile, which wrk's
-- summary leaves out.
local requests = {}
local method
local threads = {}
position = 0
wrapped = false

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  method = os.getenv("BENCH_METHOD")
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local tab = line:find("\t", 1, true)
    requests[#requests + 1] = {line:sub(1, tab - 1), line:sub(tab + 1)}
  end
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    wrapped = true
  end
  local r = requests[position]
  return wrk.format(method, r[1], {["Content-Type"] = "application/fhir+json", ["Accept"] = "application/fhir+json", ["Prefer"] = "return=minimal"}, r[2])
end

function done(summary, latency, requests)
  io.write(string.format("p95_us: %d\n", latency:percentile(95)))
  for _, thread in ipairs(threads) do
    if thread:get("wrapped") then
      io.write("wrapped: 1\n")
    end
  end
end
