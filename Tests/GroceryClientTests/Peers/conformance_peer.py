#!/usr/bin/env python3
"""An independent WebSocket server (python `websockets`) for testing grocery's own client
transport: fragmentation, ping/pong, both close handshakes, masking and UTF-8 (the
library refuses unmasked client frames and invalid UTF-8 with a close).

Prints `listening PORT`, then one line per observation the Swift test checks. Most
scenarios wait for the client's first message before they act ("go"); `/at-once` sends
right after the handshake.

It also prints `raw PORT`: a bare socket server that writes its 101 response and a
first text frame ("hello-now") in one write, so they reach the client in one read —
what a fast server on a busy machine does, and what NIO's client upgrade drops unless
told to forward the bytes left after the HTTP response.
"""
import asyncio
import base64
import hashlib
import os
import signal
import sys
import threading

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed


def say(line):
    print(line, flush=True)


async def handler(ws):
    path = ws.request.path
    try:
        if path == "/at-once":
            await ws.send(["frag", "ment", "ed ", "\u2713"])
            await ws.wait_closed()
        elif path == "/fragmented":
            await ws.recv()  # the client's go
            await ws.send(["frag", "ment", "ed ", "\u2713"])  # one message, four frames
            await ws.send(["x" * 70000, "y" * 70000])          # longer than a frame of ours
            await ws.wait_closed()
        elif path == "/ping":
            await ws.recv()
            waiter = await ws.ping(b"are you there")
            await asyncio.wait_for(waiter, 2)
            await ws.send("pong ok")
            await ws.wait_closed()
        elif path == "/echo":
            async for message in ws:
                await ws.send(message)
        elif path == "/server-closes":
            await ws.recv()
            await ws.close(1001, "bye")
            say(f"server close handshake {'complete' if ws.protocol.close_rcvd else 'incomplete'}")
        elif path == "/client-closes":
            await ws.wait_closed()
            say(f"client closed {ws.close_code} {ws.close_reason}")
    except ConnectionClosed as closed:
        say(f"connection closed {closed.rcvd.code if closed.rcvd else 'none'}")
    except Exception as error:  # anything unexpected is a test failure on the Swift side
        say(f"error {error!r}")


async def raw_upgrade(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    key = next(line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"sec-websocket-key"))
    accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    payload = b"hello-now"
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n" + bytes([0x81, len(payload)]) + payload)
    await writer.drain()
    await reader.read()  # until the client goes
    writer.close()


async def main():
    raw = await asyncio.start_server(raw_upgrade, "127.0.0.1", 0)
    async with serve(handler, "127.0.0.1", 0, max_size=2**20) as server:
        say(f"raw {raw.sockets[0].getsockname()[1]}")
        say(f"listening {server.sockets[0].getsockname()[1]}")
        await asyncio.Future()


def exit_when_stdin_closes():
    # The test holds our stdin open; when it closes it (or dies), we go too. A SIGTERM
    # from the test may reach only a launcher in between (pyenv's shim), not us.
    sys.stdin.buffer.read()
    os._exit(0)


if __name__ == "__main__":
    # Started from a thread that blocks signals, we inherit that mask: SIGTERM would
    # never arrive.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
