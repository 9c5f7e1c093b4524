#!/usr/bin/env python3
"""JSON-lines sidecar for @rl4vlm/alfworld's bridge (alfworld/Bridge-v0).

Protocol v1 (one UTF-8 JSON object per line on stdin/stdout; logs go to stderr):

  event     {"v":1,"event":"ready","protocol":1,"backend":...,"pid":...}
  request   {"v":1,"id":N,"op":"hello"|"init"|"reset"|"step"|"ping"|"close", ...}
  response  {"v":1,"id":N,"ok":true,"result":{...}}
            {"v":1,"id":N,"ok":false,"error":{"code","message","retryable","traceback"?}}

  init   {"batch_size","seed","max_steps","image":{"enabled","width","height"},
          "env_type","split","task_types","config_path","data_path","config_overrides",
          "options": {...backend-specific}}  -> {"num_games","wording","batch_size"}
  reset  {"slots"?: [i...], "seed"?: int}    -> {"slots":[slot record...]}
  step   {"commands": [str|null per slot]}   -> {"slots":[slot record...]}

A slot record is {"slot","game":{"id","task_type","goal_text"},"obs","admissible_commands",
"step_index","won","done","truncated","score","goal_condition_success_rate","command_valid",
"expert_plan"?,"image"?:{"mime","width","height","b64"}}; images are always RGB PNG.

Backends: "alfworld" (the real ALFWorld, alfworld_backend.py: the only module that imports it)
and "fake" (fake_household.py, a small stdlib household used by the tests).
Usage: python3 alfworld_server.py [--backend alfworld|fake] [--allow-faults]
"""

import argparse
import base64
import json
import os
import struct
import sys
import traceback
import zlib

PROTOCOL = 1

# alfworld, textworld and tqdm print to stdout; the protocol owns the real stdout.
_PROTOCOL_OUT = sys.stdout
sys.stdout = sys.stderr


class BackendError(Exception):
    """An error with a protocol code, raised by backends and the server."""

    def __init__(self, code, message, retryable=False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable


def send(message):
    message = dict(message, v=PROTOCOL)
    _PROTOCOL_OUT.write(json.dumps(message, separators=(",", ":")) + "\n")
    _PROTOCOL_OUT.flush()


def log(text):
    sys.stderr.write("[alfworld_server] %s\n" % text)
    sys.stderr.flush()


def encode_png(width, height, rgb):
    """A minimal RGB PNG encoder (stdlib only): filter 0 on every row, one IDAT."""
    stride = width * 3
    raw = b"".join(b"\x00" + bytes(rgb[y * stride:(y + 1) * stride]) for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def load_backend(name, allow_faults):
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    if name == "alfworld":
        from alfworld_backend import AlfworldBackend

        return AlfworldBackend(BackendError, log)
    if name == "fake":
        from fake_household import FakeHouseholdBackend

        return FakeHouseholdBackend(BackendError, allow_faults=allow_faults)
    raise BackendError("BAD_REQUEST", "unknown backend %r; allowed: alfworld, fake" % name)


class Server:
    """Owns the slot bookkeeping shared by all backends: step counts, done flags, validity, images."""

    def __init__(self, backend):
        self.backend = backend
        self.batch_size = None
        self.max_steps = 50
        self.image = {"enabled": False}
        self.slots = []

    def handle(self, request):
        op = request.get("op")
        handler = getattr(self, "op_" + str(op), None)
        if handler is None:
            raise BackendError("BAD_REQUEST", "unknown op %r; allowed: hello, init, reset, step, ping, close" % op)
        return handler(request)

    def op_ping(self, _request):
        return {}

    def op_hello(self, _request):
        info = {"protocol": PROTOCOL, "python": sys.version.split()[0], "pid": os.getpid()}
        info.update(self.backend.hello())
        return info

    def op_init(self, request):
        batch_size = int(request.get("batch_size", 1))
        if batch_size < 1:
            raise BackendError("BAD_REQUEST", "batch_size must be >= 1, got %r" % batch_size)
        self.max_steps = int(request.get("max_steps", 50))
        self.image = request.get("image") or {"enabled": False}
        result = self.backend.init(request, batch_size)
        self.batch_size = batch_size
        self.slots = [None] * batch_size
        result.setdefault("batch_size", batch_size)
        return result

    def _require_init(self):
        if self.batch_size is None:
            raise BackendError("NOT_INITIALIZED", "send init before reset/step")

    def op_reset(self, request):
        self._require_init()
        slots = request.get("slots")
        if slots is None:
            slots = list(range(self.batch_size))
        for s in slots:
            if not isinstance(s, int) or not 0 <= s < self.batch_size:
                raise BackendError("BATCH_MISMATCH", "slot %r is outside 0..%d" % (s, self.batch_size - 1))
        raw = self.backend.reset(slots, request.get("seed"), request.get("games"))
        records = []
        for s, state in zip(slots, raw):
            self.slots[s] = {"step_index": 0, "done": False, "admissible": state["admissible_commands"]}
            records.append(self._record(s, state, True))
        return {"slots": records}

    def op_step(self, request):
        self._require_init()
        commands = request.get("commands")
        if not isinstance(commands, list) or len(commands) != self.batch_size:
            raise BackendError("BATCH_MISMATCH", "step needs one command (or null) per slot: %d" % self.batch_size)
        active = []
        for s, command in enumerate(commands):
            if command is None:
                continue
            if not isinstance(command, str):
                raise BackendError("BAD_REQUEST", "command for slot %d must be a string or null" % s)
            if self.slots[s] is None:
                raise BackendError("NOT_INITIALIZED", "slot %d was never reset" % s)
            if not self.slots[s]["done"]:
                active.append(s)
        raw = self.backend.step({s: commands[s] for s in active})
        records = []
        for s, command in enumerate(commands):
            if command is None:
                continue
            slot = self.slots[s]
            if s not in raw:
                # STEP_AFTER_DONE: the last record is repeated, nothing moves.
                record = dict(slot["last"], step_after_done=True)
                records.append(record)
                continue
            valid = command.strip() in slot["admissible"]
            slot["step_index"] += 1
            slot["admissible"] = raw[s]["admissible_commands"]
            records.append(self._record(s, raw[s], valid))
        return {"slots": records}

    def op_close(self, _request):
        self.backend.close()
        return {}

    def _record(self, s, state, command_valid):
        slot = self.slots[s]
        won = bool(state.get("won"))
        truncated = not won and slot["step_index"] >= self.max_steps
        done = won or truncated or bool(state.get("done"))
        slot["done"] = done
        record = {
            "slot": s,
            "game": state["game"],
            "obs": state["obs"],
            "admissible_commands": list(state["admissible_commands"]),
            "step_index": slot["step_index"],
            "won": won,
            "done": done,
            "truncated": truncated,
            "score": 1 if won else 0,
            "goal_condition_success_rate": state.get("goal_condition_success_rate"),
            "command_valid": command_valid,
        }
        if state.get("expert_plan") is not None:
            record["expert_plan"] = state["expert_plan"]
        if self.image.get("enabled") and state.get("frame") is not None:
            width, height, rgb = state["frame"]
            record["image"] = {
                "mime": "image/png",
                "width": width,
                "height": height,
                "b64": base64.b64encode(encode_png(width, height, rgb)).decode("ascii"),
            }
        slot["last"] = record
        return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default=os.environ.get("ALFWORLD_BRIDGE_BACKEND", "alfworld"))
    parser.add_argument("--allow-faults", action="store_true", help="test backend: enable 'debug hang/crash' commands")
    args = parser.parse_args()
    try:
        backend = load_backend(args.backend, args.allow_faults)
    except BackendError as error:
        send({"event": "fatal", "error": {"code": error.code, "message": error.message, "retryable": False}})
        return 2
    server = Server(backend)
    send({"event": "ready", "protocol": PROTOCOL, "backend": args.backend, "pid": os.getpid()})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request must be a JSON object")
        except ValueError as error:
            send({"id": None, "ok": False, "error": {"code": "BAD_JSON", "message": str(error), "retryable": False}})
            continue
        request_id = request.get("id")
        try:
            result = server.handle(request)
            send({"id": request_id, "ok": True, "result": result})
        except BackendError as error:
            send({"id": request_id, "ok": False, "error": {"code": error.code, "message": error.message, "retryable": error.retryable}})
        except Exception as error:  # noqa: BLE001 - reported to the client, the server stays up
            send(
                {
                    "id": request_id,
                    "ok": False,
                    "error": {"code": "INTERNAL", "message": "%s: %s" % (type(error).__name__, error), "retryable": True, "traceback": traceback.format_exc()},
                }
            )
        if request.get("op") == "close":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
