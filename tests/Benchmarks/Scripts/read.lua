-- GETs Patients by id, chosen at random from the file named by BENCH_IDS (one id a line).
local ids = {}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  for line in io.lines(os.getenv("BENCH_IDS")) do
    ids[#ids + 1] = line
  end
end

function request()
  return wrk.format("GET", "/fhir/Patient/" .. ids[math.random(#ids)], {["Accept"] = "application/fhir+json"})
end
