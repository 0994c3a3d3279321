-- Records a delivery of one event (Redis-only history): the client id (at most ARGV[3] per
-- event) and, for a replay, one more replay.
--
-- KEYS: the event's delivery hash
-- ARGV: 1 client id ('' = none), 2 replayed (1|0), 3 most client ids kept, 4 ttl s
if ARGV[1] ~= '' then
  local field = 'c:' .. ARGV[1]
  if redis.call('HEXISTS', KEYS[1], field) == 0 then
    local n = redis.call('HLEN', KEYS[1])
    if redis.call('HEXISTS', KEYS[1], 'r') == 1 then
      n = n - 1
    end
    if n < tonumber(ARGV[3]) then
      redis.call('HSET', KEYS[1], field, n + 1)
    end
  end
end
if ARGV[2] == '1' then
  redis.call('HINCRBY', KEYS[1], 'r', 1)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
