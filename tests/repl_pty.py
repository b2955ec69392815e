#!/usr/bin/env python3
"""Drive a program through a pseudo-terminal, for tests/repl.sh.

usage: repl_pty.py TRANSCRIPT CMD [ARG ...] < STEPS

One step a line (TEXT takes Python string escapes: \\r \\t \\x03 \\x1b[A):
  send TEXT                 type TEXT
  expect NAME SECS REGEX    wait at most SECS until the output since the
                            last mark matches REGEX (escapes and \\r removed)
  mark                      later expects look only at what comes after
  sleep SECS
  wait SECS                 wait at most SECS for the program to exit
It prints a line per expect, "NAME ok GROUP1" or "NAME timeout", and at the
end "exit STATUS" (or "exit timeout", after killing it). TRANSCRIPT gets
everything the program wrote, as it wrote it.
"""
import codecs
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import fcntl
import time

CSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r|\x07")


def main():
    transcript, argv = sys.argv[1], sys.argv[2:]
    steps = sys.stdin.read().splitlines()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(argv[0], argv)
    # A wide terminal: libedit wraps nothing the tests type.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    raw = bytearray()
    mark = 0
    status = None
    log = open(transcript, "wb")

    def pump(secs):
        nonlocal status
        end = time.time() + secs
        while True:
            left = end - time.time()
            if left <= 0:
                return
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                return
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                return
            raw.extend(data)
            log.write(data)
            log.flush()

    def text():
        return CSI.sub("", raw[mark:].decode("utf-8", "replace"))

    for step in steps:
        if not step.strip() or step.startswith("#"):
            continue
        word, _, rest = step.partition(" ")
        if word == "send":
            os.write(fd, codecs.decode(rest, "unicode_escape").encode())
            pump(0.05)
        elif word == "mark":
            pump(0.05)
            mark = len(raw)
        elif word == "sleep":
            pump(float(rest))
        elif word == "expect":
            name, secs, regex = rest.split(" ", 2)
            end = time.time() + float(secs)
            m = None
            while True:
                m = re.search(regex, text())
                if m or time.time() >= end:
                    break
                pump(min(0.1, max(0.0, end - time.time())))
            if m:
                g = m.group(1) if m.groups() else ""
                print("%s ok %s" % (name, g))
            else:
                print("%s timeout" % name)
            sys.stdout.flush()
        elif word == "wait":
            end = time.time() + float(rest)
            while time.time() < end:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = os.waitstatus_to_exitcode(st)
                    break
                pump(0.1)
        else:
            print("repl_pty.py: unknown step: %s" % step, file=sys.stderr)
            sys.exit(2)
    if status is None:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(st)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = "timeout"
    pump(0.1)
    print("exit %s" % status)
    log.close()


main()
