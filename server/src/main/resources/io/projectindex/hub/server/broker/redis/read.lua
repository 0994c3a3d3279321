-- Reads one stream's Redis log: its head and removal markers, the first entry held, and the
-- entries after an offset (and, optionally, after a time) of the wanted types, oldest first.
--
-- KEYS: meta, log
-- ARGV: 1 after offset (exclusive; 0 = from the oldest held), 2 after timestamp ms (exclusive; -1 = any),
--       3 types (',' .. type .. ',' ... ; '' = all), 4 entries wanted, 5 entries to scan at most
-- Returns {} for a missing stream, otherwise {epoch, top, removed through, removed until ms,
-- last timestamp ms, first offset held (0: none), first timestamp held, last offset scanned,
-- end reached (0|1), offset, message, offset, message, ...}.
local f = redis.call('HMGET', KEYS[1], 'e', 't', 'rt', 'ru', 's')
if not f[1] then
  return {}
end
local firstOff, firstTs = 0, 0
local head = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
if #head > 0 then
  firstOff = tonumber(string.match(head[1][1], '^(%d+)'))
  local hf = head[1][2]
  for k = 1, #hf, 2 do
    if hf[k] == 's' then
      firstTs = tonumber(hf[k + 1])
    end
  end
end
local after = tonumber(ARGV[1])
local minTs = tonumber(ARGV[2])
local types = ARGV[3]
local want = tonumber(ARGV[4])
local maxScan = tonumber(ARGV[5])
local start = '-'
if after > 0 then
  start = '(' .. string.format('%d', after) .. '-0'
end
local entries = {}
local matched, scanned, last, ended = 0, 0, after, 0
while matched < want and scanned < maxScan do
  local batch = redis.call('XRANGE', KEYS[2], start, '+', 'COUNT', math.min(256, maxScan - scanned))
  if #batch == 0 then
    ended = 1
    break
  end
  for _, en in ipairs(batch) do
    scanned = scanned + 1
    local off = tonumber(string.match(en[1], '^(%d+)'))
    last = off
    local m, y, s
    local fl = en[2]
    for k = 1, #fl, 2 do
      local name = fl[k]
      if name == 'm' then m = fl[k + 1] elseif name == 'y' then y = fl[k + 1] elseif name == 's' then s = tonumber(fl[k + 1]) end
    end
    if (minTs < 0 or s > minTs) and (types == '' or string.find(types, ',' .. y .. ',', 1, true)) then
      matched = matched + 1
      table.insert(entries, off)
      table.insert(entries, m)
      if matched >= want then
        break
      end
    end
  end
  start = '(' .. string.format('%d', last) .. '-0'
  if #batch < 256 and matched < want and scanned < maxScan then
    ended = 1
    break
  end
end
local out = {f[1], tonumber(f[2]) or 0, tonumber(f[3]) or 0, tonumber(f[4]) or 0, tonumber(f[5]) or 0,
  firstOff, firstTs, last, ended}
for _, v in ipairs(entries) do
  table.insert(out, v)
end
return out
