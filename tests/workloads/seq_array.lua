-- An array of named ops keeps the order written (z before y), and an op
-- with ratio = 0 is left out of the sequence (x never runs).
return {
  driver = "stdout",
  blocks = {
    main = {
      ops = {
        { name = "z", "Z", ratio = 1 },
        { name = "y", "Y", ratio = 1 },
        { name = "x", "X", ratio = 0 },
      },
    },
  },
}
