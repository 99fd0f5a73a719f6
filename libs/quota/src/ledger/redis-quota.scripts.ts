/**
 * Lua run atomically by Redis: a key's whole admission (every bucket and the in-flight
 * set) or settlement is one script, so replicas never interleave between a check and
 * its reservation. Numbers go in and out as strings (`%.17g`): Redis would truncate a Lua
 * number reply to an integer.
 *
 * A bucket is a hash: u (usage at t), t (epoch ms), w (calendar window start, 0 for
 * leaky buckets), lt (limit type). Per bucket the caller passes 7 arguments: limit type,
 * mode (`l` leaky | `c` calendar), limit, duration ms (l) or window start (c), window end
 * (c, else 0), then the amount (admit) or delta (settle), and the unit (admit) or the
 * reservation's window start (settle).
 */
const COMMON = `
local function fmt(x) return string.format('%.17g', x) end
local function usage_of(key, lt, mode, limit, p, now)
  local h = redis.call('HMGET', key, 'u', 't', 'w', 'lt')
  if not h[1] then return 0, true end
  if h[4] ~= lt then return 0, false end
  local u = tonumber(h[1])
  if mode == 'l' then
    local elapsed = now - tonumber(h[2])
    if elapsed > 0 then u = u - elapsed * limit / p end
    if u < 0 then u = 0 end
  elseif tonumber(h[3]) ~= p then
    u = 0
  end
  return u, true
end
-- Writes the bucket; its time never goes back (a replica whose clock is behind leaks
-- nothing, as usage_of does) and v counts its writes. Returns t, v.
local function store(key, lt, mode, limit, p, wend, u, now)
  local w = 0
  local ttl
  if mode == 'l' then
    ttl = math.ceil(u * p / limit) + 60000
  else
    w = p
    ttl = wend - now + 60000
  end
  if ttl < 60000 then ttl = 60000 end
  local t = now
  local held = tonumber(redis.call('HGET', key, 't'))
  if held and held > t then t = held end
  local v = redis.call('HINCRBY', key, 'v', 1)
  redis.call('HSET', key, 'u', fmt(u), 't', fmt(t), 'w', fmt(w), 'lt', lt)
  redis.call('PEXPIRE', key, ttl)
  return t, v
end
`;

/**
 * KEYS: n buckets, then the key's in-flight sorted set (lease expiry as score).
 * ARGV: now, reservation id, lease until, max in flight (0: no limit), n, 7 per bucket.
 * Returns {1, 0, in flight, usage×n, t×n, v×n} when admitted, else
 * {0, concurrency blocked 1|0, in flight, usage×n, blocked index...}.
 */
export const ADMIT_SCRIPT = `${COMMON}
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[4])
local n = tonumber(ARGV[5])
local usages = {}
local blocked = {}
for i = 1, n do
  local b = 5 + (i - 1) * 7
  local u = usage_of(KEYS[i], ARGV[b + 1], ARGV[b + 2], tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]), now)
  usages[i] = u
  local limit = tonumber(ARGV[b + 3])
  local unit = tonumber(ARGV[b + 7])
  if (unit > 0 and u + unit > limit) or (unit == 0 and u >= limit) then blocked[#blocked + 1] = tostring(i - 1) end
end
local inflight = 0
local cblocked = 0
if max > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[n + 1], '-inf', '(' .. ARGV[1])
  inflight = redis.call('ZCARD', KEYS[n + 1])
  if inflight >= max then cblocked = 1 end
end
local reply = {}
if #blocked > 0 or cblocked == 1 then
  reply[1] = 0
  reply[2] = cblocked
  reply[3] = inflight
  for i = 1, n do reply[#reply + 1] = fmt(usages[i]) end
  for i = 1, #blocked do reply[#reply + 1] = blocked[i] end
  return reply
end
reply[1] = 1
reply[2] = 0
local times = {}
local versions = {}
for i = 1, n do
  local b = 5 + (i - 1) * 7
  local u = usages[i] + tonumber(ARGV[b + 6])
  times[i], versions[i] = store(KEYS[i], ARGV[b + 1], ARGV[b + 2], tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5]), u, now)
  usages[i] = u
end
if max > 0 then
  redis.call('ZADD', KEYS[n + 1], ARGV[3], ARGV[2])
  redis.call('PEXPIRE', KEYS[n + 1], math.max(1000, tonumber(ARGV[3]) - now + 60000))
  inflight = inflight + 1
end
reply[3] = inflight
for i = 1, n do reply[#reply + 1] = fmt(usages[i]) end
for i = 1, n do reply[#reply + 1] = fmt(times[i]) end
for i = 1, n do reply[#reply + 1] = tostring(versions[i]) end
return reply`;

/**
 * KEYS: n buckets, then the in-flight set (when ARGV[3] is 1).
 * ARGV: now, reservation id, holds a slot 1|0, n, 7 per bucket.
 * Returns usage, t, v per bucket ('' three times where the adjustment was dropped or was 0).
 */
export const SETTLE_SCRIPT = `${COMMON}
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[4])
local reply = {}
for i = 1, n do
  local b = 4 + (i - 1) * 7
  local lt = ARGV[b + 1]
  local mode = ARGV[b + 2]
  local limit = tonumber(ARGV[b + 3])
  local p = tonumber(ARGV[b + 4])
  local delta = tonumber(ARGV[b + 6])
  local u, same = usage_of(KEYS[i], lt, mode, limit, p, now)
  if delta == 0 or not same or (mode == 'c' and tonumber(ARGV[b + 7]) ~= p) then
    reply[#reply + 1] = ''
    reply[#reply + 1] = ''
    reply[#reply + 1] = ''
  else
    u = u + delta
    if u < 0 then u = 0 end
    local t, v = store(KEYS[i], lt, mode, limit, p, tonumber(ARGV[b + 5]), u, now)
    reply[#reply + 1] = fmt(u)
    reply[#reply + 1] = fmt(t)
    reply[#reply + 1] = tostring(v)
  end
end
if ARGV[3] == '1' then redis.call('ZREM', KEYS[n + 1], ARGV[2]) end
return reply`;

/** KEYS: n buckets. ARGV: now, n, 7 per bucket (amount and unit unused). Returns usage×n. */
export const READ_SCRIPT = `${COMMON}
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local reply = {}
for i = 1, n do
  local b = 2 + (i - 1) * 7
  local u = usage_of(KEYS[i], ARGV[b + 1], ARGV[b + 2], tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]), now)
  reply[i] = fmt(u)
end
return reply`;

/** KEYS[1]: a bucket. ARGV: u, t, w, lt, ttl ms, v. Writes the database's copy only where Redis holds nothing. */
export const SEED_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'u', ARGV[1], 't', ARGV[2], 'w', ARGV[3], 'lt', ARGV[4], 'v', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;
