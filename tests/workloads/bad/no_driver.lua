return { blocks = { main = { ops = { x = "X" } } } }
