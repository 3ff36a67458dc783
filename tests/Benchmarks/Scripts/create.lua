-- POSTs realistic Patients (names, identifiers, telecom, address; about 1 KB each).
local families = {"Moyo", "Banda", "Phiri", "Mwale", "Dube", "Ncube", "Smith", "Okafor", "Nkosi", "Mensah",
  "Kamau", "Otieno", "Haddad", "Garcia", "Nguyen", "Kowalski", "Silva", "Ivanova", "Osei", "Zulu"}
local givens = {"Chipo", "Tendai", "Grace", "John", "Amina", "Kwame", "Fatima", "Thabo", "Mary", "Peter",
  "Nomsa", "Joseph", "Esther", "David", "Ruth", "Samuel", "Aisha", "Brian", "Lindiwe", "Musa"}
local cities = {"Harare", "Lusaka", "Lilongwe", "Nairobi", "Kampala", "Accra", "Durban", "Gaborone"}

local template = [[{"resourceType":"Patient","identifier":[{"use":"official","system":"http://moh.example.org/fhir/NamingSystem/national-id","value":"%d"},{"use":"secondary","system":"http://clinic.example.org/mrn","value":"MRN-%d"}],"active":true,"name":[{"use":"official","family":"%s","given":["%s","%s"]}],"telecom":[{"system":"phone","value":"+263 77 %07d","use":"mobile"},{"system":"email","value":"%s.%s%d@example.org","use":"home"}],"gender":"%s","birthDate":"%04d-%02d-%02d","address":[{"use":"home","line":["%d %s Road","Flat %d"],"city":"%s","district":"%s District","postalCode":"%05d","country":"ZW"}],"maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"}]},"communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"en"}]},"preferred":true}]}]]

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local family = families[math.random(#families)]
  local given = givens[math.random(#givens)]
  local city = cities[math.random(#cities)]
  local body = string.format(template,
    math.random(10000000, 99999999), math.random(100000, 999999),
    family, given, givens[math.random(#givens)],
    math.random(0, 9999999), given:lower(), family:lower(), math.random(1, 999),
    (math.random(2) == 1) and "female" or "male",
    math.random(1940, 2010), math.random(1, 12), math.random(1, 28),
    math.random(1, 400), families[math.random(#families)], math.random(1, 60), city, city, math.random(0, 99999))
  return wrk.format("POST", "/fhir/Patient", {["Content-Type"] = "application/fhir+json"}, body)
end
