-- Redis handed out positions the durable store already holds (it lost writes: a restart from an
-- older snapshot, a failover before replication): move the stream's top past the durable top,
-- drop the log (its entries may disagree with the durable store; readers go there instead), and
-- forget the ids of the events that could not be stored, so that their republish gets new offsets.
--
-- KEYS: meta, log, then the idempotency keys to forget
-- ARGV: 1 durable top, 2 durable last timestamp ms
-- Returns the stream's new top, or -1 when the stream no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local f = redis.call('HMGET', KEYS[1], 't', 's')
local top = math.max(tonumber(f[1]) or 0, tonumber(ARGV[1]))
local ts = math.max(tonumber(f[2]) or 0, tonumber(ARGV[2]))
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 't', string.format('%d', top), 's', string.format('%d', ts),
  'rt', string.format('%d', top), 'ru', string.format('%d', ts))
for i = 3, #KEYS do
  redis.call('DEL', KEYS[i])
end
return top
