-- Removes the entries of one stream's log whose expiry has passed, and advances the stream's
-- removal markers so readers positioned before them learn that history was lost.
--
-- KEYS: meta, log
-- ARGV: 1 now ms, 2 entries to scan at most
-- Returns the number of entries removed, or -1 when the stream no longer exists.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local now = tonumber(ARGV[1])
local maxScan = tonumber(ARGV[2])
local removed, maxOff, maxTs, scanned = 0, 0, 0, 0
local start = '-'
while scanned < maxScan do
  local batch = redis.call('XRANGE', KEYS[2], start, '+', 'COUNT', 256)
  if #batch == 0 then
    break
  end
  for _, en in ipairs(batch) do
    scanned = scanned + 1
    local x, s
    local fl = en[2]
    for k = 1, #fl, 2 do
      if fl[k] == 'x' then x = tonumber(fl[k + 1]) elseif fl[k] == 's' then s = tonumber(fl[k + 1]) end
    end
    if x > 0 and x <= now then
      redis.call('XDEL', KEYS[2], en[1])
      removed = removed + 1
      local off = tonumber(string.match(en[1], '^(%d+)'))
      if off > maxOff then maxOff = off end
      if s > maxTs then maxTs = s end
    end
    start = '(' .. en[1]
  end
  if #batch < 256 then
    break
  end
end
if removed > 0 then
  local f = redis.call('HMGET', KEYS[1], 'rt', 'ru')
  if maxOff > (tonumber(f[1]) or 0) then redis.call('HSET', KEYS[1], 'rt', string.format('%d', maxOff)) end
  if maxTs > (tonumber(f[2]) or 0) then redis.call('HSET', KEYS[1], 'ru', string.format('%d', maxTs)) end
end
return removed
