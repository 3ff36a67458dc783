-- GETs at random: BENCH_MODE "read" reads BENCH_TYPE/{id}, "search" searches Observation?subject=Patient/{id};
-- ids from the file named by BENCH_IDS (one a line); with BENCH_TOKEN set, as that bearer.
local ids = {}
local mode, type, headers

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  for line in io.lines(os.getenv("BENCH_IDS")) do
    ids[#ids + 1] = line
  end
  mode = os.getenv("BENCH_MODE") or "read"
  type = os.getenv("BENCH_TYPE") or "Observation"
  headers = {["Accept"] = "application/fhir+json"}
  local token = os.getenv("BENCH_TOKEN")
  if token and #token > 0 then
    headers["Authorization"] = "Bearer " .. token
    headers["X-Purpose-Of-Use"] = "TREAT"
  end
end

function request()
  local id = ids[math.random(#ids)]
  if mode == "search" then
    return wrk.format("GET", "/fhir/Observation?subject=Patient/" .. id, headers)
  end
  return wrk.format("GET", "/fhir/" .. type .. "/" .. id, headers)
end
