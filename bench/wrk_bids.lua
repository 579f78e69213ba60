-- wrk: POST bids for the products in PROCURA_PRODUCTS with the bearer token PROCURA_TOKEN, each
-- with its own price and a 128-bit nonce.
local token = os.getenv("PROCURA_TOKEN")
local products = {}
for p in string.gmatch(os.getenv("PROCURA_PRODUCTS") or "", "%S+") do products[#products + 1] = p end
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"productId":"%s","price":"%d.%02d","nonce":"%016x%016x"}',
    products[(n % #products) + 1], 100 + n % 900, n % 100, math.random(0, 2^31), n)
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token,
                                  ["Content-Type"] = "application/json"}, body)
end
