-- A publish rate limit shared by all nodes (GCRA): a publisher may publish `rate` events per
-- second with bursts of up to `burst`; a request for n events is admitted when min(n, burst)
-- tokens are there, and then owes all n.
--
-- KEYS: the publisher's limit key
-- ARGV: 1 rate per second, 2 burst, 3 events in this request, 4 now ms (0 = Redis TIME)
-- Returns 0 when admitted, otherwise the milliseconds to wait.
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local interval = 1000 / rate
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local need = math.min(n, burst)
local allowedFrom = tat - (burst - need) * interval
if allowedFrom > now then
  return math.ceil(allowedFrom - now)
end
local newTat = tat + n * interval
redis.call('SET', KEYS[1], string.format('%.3f', newTat), 'PX', math.ceil(newTat - now) + 1000)
return 0
