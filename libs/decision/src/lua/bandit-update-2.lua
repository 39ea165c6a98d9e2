-- Adds one observation to an arm's sufficient statistics (A += x x^T, b += r x, pulls += 1). Additions
-- commute, so instances updating concurrently never lose each other's updates.
-- KEYS[1] statistics hash, KEYS[2] version counter
-- ARGV[1] arm, ARGV[2] reward, ARGV[3..] context with the bias term first
local arm = ARGV[1]
local r = tonumber(ARGV[2])
local x = {}
for i = 3, #ARGV do x[#x + 1] = tonumber(ARGV[i]) end
local d = #x
for i = 1, d do
  local xi = x[i]
  if xi ~= 0 then
    for j = 1, d do
      local v = xi * x[j]
      if v ~= 0 then redis.call('HINCRBYFLOAT', KEYS[1], arm .. ':a:' .. ((i - 1) * d + (j - 1)), v) end
    end
    if r ~= 0 then redis.call('HINCRBYFLOAT', KEYS[1], arm .. ':b:' .. (i - 1), r * xi) end
  end
end
redis.call('HINCRBY', KEYS[1], arm .. ':pulls', 1)
return redis.call('INCR', KEYS[2])
