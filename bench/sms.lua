-- wrk script: Twilio-shaped inbound texts from 10,000 numbers, each with a
-- unique MessageSid. Usage (server in sandbox mode):
--   wrk -t2 -c64 -d30s --latency -s bench/sms.lua http://127.0.0.1:8080/twilio/sms
local counter = 0
local thread_id = 0
local texts = {
  "claude code 403",
  "it says region not supported",
  "2",
  "yeah",
  "curl gave me a 401",
  "no",
}

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  math.randomseed(id * 7919 + os.time())
end

function request()
  counter = counter + 1
  local n = math.random(0, 9999)
  local body = "MessageSid=SM" .. id .. "x" .. counter .. "x" .. math.random(1, 1e9) ..
    "&From=%2B1555" .. string.format("%07d", n) ..
    "&To=%2B15555550000&Body=" .. texts[(counter % #texts) + 1]:gsub(" ", "+")
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
