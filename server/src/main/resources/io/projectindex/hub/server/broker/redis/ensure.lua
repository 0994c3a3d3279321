-- The position of one stream, creating it from the init values when it is missing. With a floor
-- (what a node already delivered) in the stream's epoch above the stream's top, Redis lost writes
-- that reached subscribers: mode 'raise' (a durable store holds everything) moves the top to the
-- floor and drops the log, so no offset is handed out twice and readers go to the durable store;
-- mode 'reset' (Redis is the only history) starts the stream again in the init epoch; mode 'fork'
-- (a delivered offset was handed out again to another event) does that whatever the top is.
--
-- KEYS: meta, log
-- ARGV: 1 init epoch ('' = do not create), 2 init top, 3 init timestamp ms, 4 meta ttl s,
--       5 floor epoch ('' = none), 6 floor top, 7 floor mode (raise|reset|fork)
-- Returns {'ok', epoch, top, created(0|1)} or {'init'} when the stream is missing and no init values were given.
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  if ARGV[1] == '' then
    return {'init'}
  end
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'e', ARGV[1], 't', ARGV[2], 's', ARGV[3], 'rt', ARGV[2], 'ru', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  created = 1
end
local f = redis.call('HMGET', KEYS[1], 'e', 't', 's')
local top = tonumber(f[2]) or 0
local forked = ARGV[7] == 'fork' and ARGV[1] ~= '' and created == 0
if ARGV[5] ~= '' and f[1] == ARGV[5] and (top < tonumber(ARGV[6]) or forked) then
  redis.call('DEL', KEYS[2])
  if (ARGV[7] == 'reset' or ARGV[7] == 'fork') and ARGV[1] ~= '' then
    redis.call('HSET', KEYS[1], 'e', ARGV[1], 't', 0, 's', f[3] or 0, 'rt', 0, 'ru', 0)
    return {'ok', ARGV[1], 0, 1}
  end
  top = tonumber(ARGV[6])
  redis.call('HSET', KEYS[1], 't', string.format('%d', top), 'rt', string.format('%d', top), 'ru', f[3] or 0)
end
return {'ok', f[1], top, created}
