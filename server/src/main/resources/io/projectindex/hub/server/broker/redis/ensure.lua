-- The position of one stream, creating it from the init values when it is missing, and raising
-- its top to a floor (a node that delivered further than Redis knows: Redis lost writes that
-- reached subscribers) so that an offset is never given to two events of one epoch.
--
-- KEYS: meta, log
-- ARGV: 1 init epoch ('' = do not create), 2 init top, 3 init timestamp ms, 4 meta ttl s,
--       5 floor epoch ('' = none), 6 floor top
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
local f = redis.call('HMGET', KEYS[1], 'e', 't')
local top = tonumber(f[2]) or 0
if ARGV[5] ~= '' and f[1] == ARGV[5] and top < tonumber(ARGV[6]) then
  top = tonumber(ARGV[6])
  redis.call('HSET', KEYS[1], 't', string.format('%d', top))
end
return {'ok', f[1], top, created}
