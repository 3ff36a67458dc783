-- POSTs referral Tasks (code fulfill, status requested), each owned by one of 100 organizations
-- (Organization/bench-org-1 .. 100), so that each write matches one of the benchmark's subscriptions.
local template = [[{"resourceType":"Task","status":"requested","intent":"order","code":{"coding":[{"system":"http://hl7.org/fhir/CodeSystem/task-code","code":"fulfill"}]},"businessStatus":{"text":"created"},"authoredOn":"2026-11-26T10:00:00Z","requester":{"reference":"Organization/bench-referrer"},"owner":{"reference":"Organization/bench-org-%d"},"description":"Referral for follow-up after a PHQ-9 screen"}]]

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return wrk.format("POST", "/fhir/Task", {["Content-Type"] = "application/fhir+json", ["Prefer"] = "return=minimal"}, string.format(template, math.random(1, 100)))
end
