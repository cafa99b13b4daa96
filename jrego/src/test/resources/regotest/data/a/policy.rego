package a

max_limit := data.a.b.limits.max

top_level := data.top.level
