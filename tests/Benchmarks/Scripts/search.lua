-- GETs search URLs chosen at random from the file named by BENCH_PATHS (one path and query a line,
-- already percent-encoded), and prints the 95th percentile, which wrk's summary leaves out.
local paths = {}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    paths[#paths + 1] = line
  end
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept"] = "application/fhir+json"})
end

function done(summary, latency, requests)
  io.write(string.format("p95_us: %d\n", latency:percentile(95)))
end
