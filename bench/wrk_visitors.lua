-- wrk script for bench/hits.py: every request from another address (X-Forwarded-For, read by
-- a server run with FICHIVE_BEHIND_TLS_PROXY), numbered from BENCH_VISITOR_BASE; the report
-- line is bench/wrk_report.lua's.
local n = tonumber(os.getenv("BENCH_VISITOR_BASE") or "0")

request = function()
  n = n + 1
  local address = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256,
                                 math.floor(n / 256) % 256, n % 256)
  return wrk.format(nil, nil, {["X-Forwarded-For"] = address})
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_timeout": %d, "errors_status": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
