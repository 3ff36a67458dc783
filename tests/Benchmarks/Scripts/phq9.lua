-- POSTs completed PHQ-9 QuestionnaireResponses for Patients chosen at random from BENCH_IDS,
-- each scored item answered at random; item 9 (self-harm) positive in about one response in ten,
-- so that about a tenth of the submissions also raise an alert (a Flag and a Task).
local ids = {}
local items = {"44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3"}
local answers = {"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  for line in io.lines(os.getenv("BENCH_IDS")) do
    ids[#ids + 1] = line
  end
end

local function item(linkId, code)
  return string.format('{"linkId":"%s","answer":[{"valueCoding":{"system":"http://loinc.org","code":"%s"}}]}', linkId, code)
end

function request()
  local parts = {}
  for i = 1, #items do
    parts[#parts + 1] = item(items[i], answers[math.random(#answers)])
  end
  parts[#parts + 1] = item("44260-8", (math.random(10) == 1) and answers[math.random(2, 4)] or answers[1])
  local body = string.format(
    '{"resourceType":"QuestionnaireResponse","questionnaire":"https://fhirmh.org/fhir/Questionnaire/phq-9|1.0.0","status":"completed",' ..
    '"subject":{"reference":"Patient/%s"},"authored":"2026-11-25T10:00:00Z","item":[%s]}',
    ids[math.random(#ids)], table.concat(parts, ","))
  return wrk.format("POST", "/fhir/QuestionnaireResponse", {["Content-Type"] = "application/fhir+json", ["Prefer"] = "return=minimal"}, body)
end
