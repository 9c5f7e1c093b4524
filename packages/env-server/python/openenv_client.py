#!/usr/bin/env python3
"""A Python client for an rl4vlm env server (`rl4vlm env-serve`), standard library only.

It speaks OpenEnv's WebSocket protocol: `{"type": "reset" | "step" | "state" | "close", "data": ...}`
in, `{"type": "observation" | "state" | "error", "data": ...}` out. Trainers that already use
OpenEnv (TRL, SkyRL, ...) or the `websockets` package can send the same messages; this file
shows them with nothing but the standard library.

    python3 openenv_client.py ws://127.0.0.1:8000 --seed 1 --steps 20

plays one seeded episode, replying to each prompt with the first action label in RL4VLM's JSON
format, and prints one JSON line per step.
"""

import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import urllib.parse
import urllib.request
import zlib


class EnvServerError(Exception):
    """The server answered {"type": "error"}; the session is still open."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


class WebSocket:
    """The smallest RFC 6455 client that plays an env session: text frames, ping/pong, close."""

    def __init__(self, url, token=None, timeout=30.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "ws":
            raise ValueError(f"only ws:// URLs are supported here, got {url}")
        path = parts.path if parts.path not in ("", "/") else "/ws"
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        headers = [
            f"GET {path} HTTP/1.1",
            f"Host: {parts.hostname}:{parts.port or 80}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if token:
            headers.append(f"Authorization: Bearer {token}")
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the server closed the connection during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0].decode()
        if " 101 " not in status:
            raise ConnectionError(f"handshake refused: {status} {self.buffer.decode(errors='replace')}")
        accept = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        ).decode()
        if f"sec-websocket-accept: {accept}".lower() not in head.decode().lower():
            raise ConnectionError("the server's Sec-WebSocket-Accept does not match")

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)  # servers do not mask
            if opcode == 0x9:
                self._send_frame(0xA, payload)
            elif opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise ConnectionError(f"the server closed the session (code {code}): {payload[2:].decode()}")
            elif opcode in (0x0, 0x1, 0x2):
                message += payload
                if b0 & 0x80:
                    return message.decode()

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        finally:
            self.sock.close()


class EnvSession:
    """One env on the server: reset(seed), step(reply=... | action=...), state(), close()."""

    def __init__(self, url, token=None):
        self.ws = WebSocket(url, token)

    def _call(self, message):
        self.ws.send(json.dumps(message))
        reply = json.loads(self.ws.recv())
        if reply["type"] == "error":
            raise EnvServerError(reply["data"]["code"], reply["data"]["message"])
        return reply["data"]

    def reset(self, seed=None):
        return self._call({"type": "reset", "data": {} if seed is None else {"seed": seed}})

    def step(self, reply=None, action=None):
        data = {"reply": reply} if reply is not None else {"action": action}
        return self._call({"type": "step", "data": data})

    def state(self):
        return self._call({"type": "state"})

    def close(self):
        self.ws.send(json.dumps({"type": "close"}))
        self.ws.close()


def png_rgb(png):
    """(width, height, RGB bytes) of an 8-bit RGB or RGBA PNG, as the server sends them."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat = 8, b""
    while at < len(png):
        n = struct.unpack("!I", png[at : at + 4])[0]
        kind = png[at + 4 : at + 8]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack("!IIBB", png[at + 8 : at + 18])
        elif kind == b"IDAT":
            idat += png[at + 8 : at + 8 + n]
        at += 12 + n
    assert depth == 8 and color in (2, 6), "only 8-bit RGB/RGBA PNGs here"
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride if kind else 0):  # filter 0 (what the server writes): rows as they are
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3))
        prev = line
    return width, height, b"".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", help="ws://host:port of `rl4vlm env-serve`")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=50, help="at most this many steps")
    parser.add_argument("--token", default=os.environ.get("RL4VLM_ENV_TOKEN"))
    args = parser.parse_args()
    http = args.url.replace("ws://", "http://", 1).rstrip("/").removesuffix("/ws")
    request = urllib.request.Request(f"{http}/schema")
    if args.token:
        request.add_header("Authorization", f"Bearer {args.token}")
    schema = json.load(urllib.request.urlopen(request))
    print(json.dumps({"schema": sorted(schema)}), flush=True)
    env = EnvSession(args.url, args.token)
    try:
        env.step(action=0)
    except EnvServerError as error:
        print(json.dumps({"error_before_reset": error.code}), flush=True)
    data = env.reset(seed=args.seed)
    for t in range(args.steps):
        obs = data["observation"]
        labels = obs["action_labels"]
        width, height, rgb = png_rgb(base64.b64decode(obs["images"][0]))
        reply = json.dumps({"thoughts": f"step {t}", "action": labels[t % len(labels)]})
        data = env.step(reply=reply)
        print(
            json.dumps(
                {
                    "prompt": obs["prompt"],
                    "pixels": hashlib.sha256(rgb).hexdigest(),
                    "size": [width, height],
                    "reply": reply,
                    "reward": data["reward"],
                    "done": data["done"],
                    "parse": data["observation"]["info"].get("parse"),
                }
            ),
            flush=True,
        )
        if data["done"]:
            break
    print(json.dumps({"state": env.state()}), flush=True)
    env.close()


if __name__ == "__main__":
    main()
