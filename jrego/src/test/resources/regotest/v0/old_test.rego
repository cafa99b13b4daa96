package old

allow { input.x == 1 }

test_allow { allow with input as {"x": 1} }
