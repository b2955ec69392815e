#!/usr/bin/env python3
"""A misbehaving HTTP server for tests/http.sh.

    http_bad_server.py MODE PORTFILE

listens on a free loopback port (written to PORTFILE once it listens) and
answers every request of every connection the way MODE says:

  garbage     a line that is not HTTP
  truncated   the status line and half a header, then closes
  longlen     Content-Length: 100 with 10 bytes of body, then closes
  longwait    Content-Length: 100 with 10 bytes of body, then waits
  silent      reads the request, never answers
  close       reads the request, closes without a byte
  midchunk    a chunked body cut in the middle of a chunk, then closes
  shortlen    Content-Length: 2 with a body of 7 bytes (5 too many)
  ok          a valid 200 with keep-alive (the control)
"""
import socket
import sys
import threading

MODE = sys.argv[1]
RESPONSES = {
    "garbage": b"HELLO THERE, THIS IS NOT HTTP\r\n\r\n",
    "truncated": b"HTTP/1.1 200 OK\r\nContent-Le",
    "longlen": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
    "longwait": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
    "midchunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"10\r\n01234",
    "shortlen": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokSTRAY",
    "ok": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
}
CLOSE_AFTER = {"garbage", "truncated", "longlen", "midchunk", "close"}


def serve(conn):
    buf = b""
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            buf += data
            while b"\r\n\r\n" in buf:
                _, buf = buf.split(b"\r\n\r\n", 1)
                if MODE == "silent":
                    continue
                if MODE in RESPONSES:
                    conn.sendall(RESPONSES[MODE])
                if MODE in CLOSE_AFTER:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
    except OSError:
        pass
    finally:
        conn.close()


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(128)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    import os
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
