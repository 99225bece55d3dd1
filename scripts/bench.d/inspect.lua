-- wrk script for POST /inspect: one small decision per request.
--
-- The request is static (no request() or response() callback): wrk then sends one pre-built
-- request and does no Lua work per response, so on a shared machine it takes as little CPU from
-- the server as it can. The counts to compare with the audit log come from wrk's summary
-- (responses, and those with a status other than 2xx/3xx) and from the server's own metrics.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"server_name":"bench","tool_call":{"tool_name":"fetch","arguments":{"url":"https://example.com/docs/page","timeout":10}}}'

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("responses %d\nnot_2xx %d\nsocket_errors %d\n", summary.requests, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
  io.write(string.format("p50_ms %.3f\np99_ms %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
