local mb = require "moonbench"

error("bad")
