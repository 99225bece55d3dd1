-- wrk script for POST /inspect: one small decision per request. Each thread counts the requests
-- it sent and the 200 responses it received, so the total can be compared with the audit log.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"server_name":"bench","tool_call":{"tool_name":"fetch","arguments":{"url":"https://example.com/docs/page","timeout":10}}}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  ok = 0
end

function request()
  sent = sent + 1
  return wrk.format()
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 end
end

function done(summary, latency, requests)
  local total_sent, total_ok = 0, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_ok = total_ok + thread:get("ok")
  end
  io.write(string.format("sent %d\nok %d\n", total_sent, total_ok))
  io.write(string.format("p50_ms %.3f\np99_ms %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
