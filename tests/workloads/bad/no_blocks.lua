return { driver = "stdout" }
