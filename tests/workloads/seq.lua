-- Three ops given as a map, ratios 4, 2 and 1: sequenced in the order of
-- their names (a, b, c) whatever the order they are written in.
return {
  driver = "stdout",
  blocks = {
    main = {
      ops = {
        c = { "C", ratio = 1 },
        a = { "A", ratio = 4 },
        b = { "B", ratio = 2 },
      },
    },
  },
}
