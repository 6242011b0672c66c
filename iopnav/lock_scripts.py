"""The Redis Lua scripts behind AtomicRedisLockStore (iopnav/atomic_lock_store.py).

Redis runs a script as one command: nothing else touches the key between its
reads and its writes, which is what Rasa's RedisLockStore lacks (it GETs the
whole lock, edits it in Python and SETs it back, so two servers can issue the
same ticket number; rasa issue #9213).

KEYS[1] is one hash per conversation:
    last        the last ticket number issued (only ever grows)
    <number>    one field per live ticket: its expiry, in ms on the Redis clock
Expiry uses the Redis clock (TIME), so servers with skewed clocks agree.
"""

# Shared by the scripts that need the clock or the live tickets.
_PRELUDE = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Drops expired tickets; returns the live ticket numbers, lowest first.
local function live_tickets(key, now)
  local flat = redis.call('HGETALL', key)
  local live = {}
  for i = 1, #flat, 2 do
    if flat[i] ~= 'last' then
      if tonumber(flat[i + 1]) <= now then
        redis.call('HDEL', key, flat[i])
      else
        live[#live + 1] = tonumber(flat[i])
      end
    end
  end
  table.sort(live)
  return live
end
"""

# ARGV: lifetime (ms), how long to keep the numbering (s). Returns the ticket number.
ISSUE = (
    _PRELUDE
    + """
local number = redis.call('HINCRBY', KEYS[1], 'last', 1)
redis.call('HSET', KEYS[1], number, now_ms() + tonumber(ARGV[1]))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return number
"""
)

# ARGV: ticket number, lifetime (ms). Returns how many live tickets are ahead
# (0: this one is served now), or -1 when the ticket has expired or is gone.
# A waiter that still polls is alive, so each poll renews its ticket; the
# poll that finds it first in line renews it once more, which gives the turn
# a whole lifetime from the moment it starts.
TAKE = (
    _PRELUDE
    + """
local now, mine = now_ms(), tonumber(ARGV[1])
local found, ahead = false, 0
for _, number in ipairs(live_tickets(KEYS[1], now)) do
  if number < mine then
    ahead = ahead + 1
  elseif number == mine then
    found = true
  end
end
if not found then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
return ahead
"""
)

# No ARGV. Returns the live tickets as [number, expiry (ms), ...], lowest first.
SNAPSHOT = (
    _PRELUDE
    + """
local out = {}
for _, number in ipairs(live_tickets(KEYS[1], now_ms())) do
  out[#out + 1] = number
  out[#out + 1] = tonumber(redis.call('HGET', KEYS[1], number))
end
return out
"""
)

# ARGV: how long to keep the numbering (s), then number, expiry (ms), ...
# Replaces the live tickets with the given ones; numbering never goes back.
REPLACE = """
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or 0)
redis.call('DEL', KEYS[1])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  last = math.max(last, tonumber(ARGV[i]))
end
redis.call('HSET', KEYS[1], 'last', last)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return last
"""
