-- Publishes the events of one request (one partition in a Redis Cluster) atomically:
-- resolve duplicates and conflicts, create missing streams, then per event in order assign the
-- next offset, stamp it (never before the stream's last timestamp), append it to the project's
-- log (trimmed to MAXLEN), remember its id, and publish it on the partition's channel.
--
-- KEYS: per project i: meta, log, projects-index; then per event j: idempotency key
-- ARGV: 1 projects, 2 events, 3 now ms (0 = Redis TIME), 4 publish command (publish|spublish),
--       5 log max length, 6 log ttl s, 7 meta ttl s, 8 id ttl s,
--       then per project (5): project id, channel, init epoch ('' = none), init top, init timestamp ms,
--       then per event (5): project index, content hash, type, expiry ms after timestamp (-1 = none), body
-- Returns {'ok', offset, timestamp, epoch, duplicate(0|1), ...per event}, {'conflict', event index}
-- (nothing written) or {'init', project index, ...} (streams missing and no init values: nothing written).
local np = tonumber(ARGV[1])
local ne = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local pub = ARGV[4]
local maxlen = ARGV[5]
local logttl = ARGV[6]
local metattl = ARGV[7]
local idttl = ARGV[8]
local P = 8
local E = P + 5 * np

local function num(x)
  return string.format('%d', x)
end

-- 1. duplicates and conflicts, before anything is written
local stored = {}
local first = {}
for j = 1, ne do
  local idkey = KEYS[3 * np + j]
  local hash = ARGV[E + 5 * (j - 1) + 2]
  local v = redis.call('GET', idkey)
  if v then
    local off, ts, ep, h = string.match(v, '^(%d+)\n(%d+)\n([^\n]*)\n(.*)$')
    if h ~= hash then
      return {'conflict', j}
    end
    stored[j] = {off, ts, ep}
  elseif first[idkey] then
    local k = first[idkey]
    if ARGV[E + 5 * (k - 1) + 2] ~= hash then
      return {'conflict', j}
    end
    stored[j] = k
  else
    first[idkey] = j
  end
end

-- 2. every stream that gets a new event must exist, or be created from the init values
local needs = {}
for j = 1, ne do
  if stored[j] == nil then
    needs[tonumber(ARGV[E + 5 * (j - 1) + 1])] = true
  end
end
local missing = {'init'}
for i = 1, np do
  if needs[i] and redis.call('EXISTS', KEYS[3 * (i - 1) + 1]) == 0 and ARGV[P + 5 * (i - 1) + 3] == '' then
    table.insert(missing, i)
  end
end
if #missing > 1 then
  return missing
end
for i = 1, np do
  local meta = KEYS[3 * (i - 1) + 1]
  if needs[i] and redis.call('EXISTS', meta) == 0 then
    local b = P + 5 * (i - 1)
    redis.call('DEL', KEYS[3 * (i - 1) + 2])
    -- The log holds nothing up to the init top: mark it removed, so readers look elsewhere.
    redis.call('HSET', meta, 'e', ARGV[b + 3], 't', ARGV[b + 4], 's', ARGV[b + 5], 'rt', ARGV[b + 4], 'ru', ARGV[b + 5])
  end
end

-- 3. append, in request order
local out = {'ok'}
local streams = {}
for j = 1, ne do
  local base = E + 5 * (j - 1)
  local s = stored[j]
  if type(s) == 'table' then
    table.insert(out, s[1]); table.insert(out, s[2]); table.insert(out, s[3]); table.insert(out, 1)
  elseif type(s) == 'number' then
    local r = 2 + 4 * (s - 1)
    table.insert(out, out[r]); table.insert(out, out[r + 1]); table.insert(out, out[r + 2]); table.insert(out, 1)
  else
    local i = tonumber(ARGV[base + 1])
    local meta = KEYS[3 * (i - 1) + 1]
    local log = KEYS[3 * (i - 1) + 2]
    local st = streams[i]
    if not st then
      local f = redis.call('HMGET', meta, 'e', 's', 't', 'rt', 'ru')
      st = {epoch = f[1], ts = tonumber(f[2]) or 0, rt = tonumber(f[4]) or 0, ru = tonumber(f[5]) or 0}
      if redis.call('EXISTS', log) == 0 and (tonumber(f[3]) or 0) > st.rt then
        -- the log expired while idle: everything up to the top is gone from it
        st.rt = tonumber(f[3])
        st.ru = math.max(st.ru, st.ts)
      end
      if redis.call('EXISTS', log) == 1 then
        local info = redis.call('XINFO', 'STREAM', log)
        for k = 1, #info, 2 do
          if info[k] == 'last-generated-id' then
            local o = tonumber(string.match(info[k + 1], '^(%d+)'))
            if o > (tonumber(f[3]) or 0) then
              -- the top went back while the log had seen later offsets: they were handed out, never again
              redis.call('HSET', meta, 't', num(o))
            end
          end
        end
      end
      streams[i] = st
    end
    if redis.call('XLEN', log) >= tonumber(maxlen) then
      -- the append trims the oldest entry: remember what left the log
      local oldest = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)
      if #oldest > 0 then
        local o = tonumber(string.match(oldest[1][1], '^(%d+)'))
        if o > st.rt then st.rt = o end
        local fl = oldest[1][2]
        for k = 1, #fl, 2 do
          if fl[k] == 's' and tonumber(fl[k + 1]) > st.ru then st.ru = tonumber(fl[k + 1]) end
        end
      end
    end
    local off = redis.call('HINCRBY', meta, 't', 1)
    local ts = now
    if ts < st.ts then
      ts = st.ts
    end
    st.ts = ts
    local msg = st.epoch .. '\n' .. num(off) .. '\n' .. num(ts) .. '\n' .. ARGV[base + 5]
    local ttl = tonumber(ARGV[base + 4])
    local exp = 0
    if ttl >= 0 then
      exp = ts + ttl
    end
    redis.call('XADD', log, 'MAXLEN', maxlen, num(off) .. '-0',
      'm', msg, 'y', ARGV[base + 3], 's', num(ts), 'x', num(exp))
    redis.call('SET', KEYS[3 * np + j], num(off) .. '\n' .. num(ts) .. '\n' .. st.epoch .. '\n' .. ARGV[base + 2],
      'EX', idttl)
    redis.call(pub, ARGV[P + 5 * (i - 1) + 2], msg)
    table.insert(out, num(off)); table.insert(out, num(ts)); table.insert(out, st.epoch); table.insert(out, 0)
  end
end

-- 4. the streams' last timestamps, expiries and the partition's project index
for i, st in pairs(streams) do
  local b = 3 * (i - 1)
  redis.call('HSET', KEYS[b + 1], 's', num(st.ts), 'rt', num(st.rt), 'ru', num(st.ru))
  redis.call('EXPIRE', KEYS[b + 1], metattl)
  redis.call('EXPIRE', KEYS[b + 2], logttl)
  redis.call('ZADD', KEYS[b + 3], now, ARGV[P + 5 * (i - 1) + 1])
end
return out
