"""A small household task in plain Python: the test backend of alfworld_server.py.

It speaks ALFWorld's TextWorld wording (2.1.1) for four task types (pick, clean, heat, cool),
is reproducible from the reset seed, gives an expert plan and an RGB frame, and, with
--allow-faults, has test commands that make the sidecar misbehave on purpose:
  "debug hang"   stop answering (the client's timeout must fire)
  "debug crash"  exit at once with status 17 (the client must restart the sidecar)
  "debug noise"  print a non-protocol line on stdout first (the client must skip it)
"""

import os
import random
import sys
import time

TASKS = {
    "pick_and_place_simple": None,
    "pick_clean_then_place_in_recep": ("sinkbasin", "clean"),
    "pick_heat_then_place_in_recep": ("microwave", "heat"),
    "pick_cool_then_place_in_recep": ("fridge", "cool"),
}
TEMPLATES = {
    "pick_and_place_simple": "put a {o} in {r}",
    "pick_clean_then_place_in_recep": "put a clean {o} in {r}",
    "pick_heat_then_place_in_recep": "put a hot {o} in {r}",
    "pick_cool_then_place_in_recep": "put a cool {o} in {r}",
}
OPENABLE = {"cabinet", "drawer", "fridge", "microwave"}
TARGETS = ["apple", "egg", "mug", "potato", "tomato"]
DISTRACTORS = ["bowl", "fork", "knife", "spoon", "saltshaker", "bread"]


def list_items(names):
    if not names:
        return "nothing"
    items = ["a " + n for n in names]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + ", and " + items[-1]


def sort_key(name):
    kind, num = name.rsplit(" ", 1)
    return (kind, -int(num))


class Game:
    """One generated room and task; the rules of ALFWorld's text game, simplified."""

    def __init__(self, seed, task_types):
        rng = random.Random(seed)
        self.seed = seed
        self.task_type = rng.choice(task_types)
        receptacles = ["countertop 1", "countertop 2", "diningtable 1", "fridge 1", "microwave 1", "sinkbasin 1", "drawer 1"]
        receptacles += ["cabinet %d" % i for i in range(1, rng.randint(2, 4) + 1)]
        self.receptacles = sorted(receptacles, key=sort_key)
        self.loc = {r: i + 1 for i, r in enumerate(rng.sample(self.receptacles, len(self.receptacles)))}
        self.opened = {r: r.split()[0] not in OPENABLE for r in self.receptacles}
        self.target = rng.choice(TARGETS)
        self.goal_recep_type = rng.choice(["countertop", "diningtable", "cabinet"])
        appliance = TASKS[self.task_type][0] if TASKS[self.task_type] else None
        sources = [r for r in self.receptacles if r.split()[0] not in (self.goal_recep_type, appliance)]
        self.where = {}
        for i in range(rng.randint(1, 2)):
            self.where["%s %d" % (self.target, i + 1)] = rng.choice(sources)
        for kind in rng.sample(DISTRACTORS, 3):
            self.where["%s 1" % kind] = rng.choice(self.receptacles)
        self.state = {o: set() for o in self.where}
        self.at = None
        self.holding = None
        self.goal = TEMPLATES[self.task_type].format(o=self.target, r=self.goal_recep_type)

    # ---- text -------------------------------------------------------------------------------
    def intro(self):
        return "-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly around you, you see %s.\n\nYour task is to: %s." % (
            list_items(self.receptacles),
            self.goal,
        )

    def contents(self, r):
        return sorted([o for o, p in self.where.items() if p == r], key=sort_key)

    def describe(self, r):
        items = list_items(self.contents(r))
        if r.split()[0] not in OPENABLE:
            return "On the %s, you see %s." % (r, items)
        return "The %s is open. In it, you see %s." % (r, items) if self.opened[r] else "The %s is closed." % r

    # ---- rules ------------------------------------------------------------------------------
    def actions(self):
        acts = {"inventory": self.inventory, "look": self.look}
        for r in self.receptacles:
            if r != self.at:
                acts["go to " + r] = lambda r=r: self.go(r)
                continue
            acts["examine " + r] = lambda r=r: self.describe(r)
            kind = r.split()[0]
            if kind in OPENABLE:
                if self.opened[r]:
                    acts["close " + r] = lambda r=r: self.set_open(r, False)
                else:
                    acts["open " + r] = lambda r=r: self.set_open(r, True)
            if self.holding and TASKS.get(self.task_type) and kind == TASKS[self.task_type][0]:
                verb = TASKS[self.task_type][1]
                acts["%s %s with %s" % (verb, self.holding, r)] = lambda r=r, verb=verb: self.treat(verb, r)
            if not self.opened[r]:
                continue
            if self.holding:
                acts["put %s in/on %s" % (self.holding, r)] = lambda r=r: self.put(r)
            else:
                for o in self.contents(r):
                    acts["take %s from %s" % (o, r)] = lambda o=o, r=r: self.take(o, r)
        return acts

    def admissible(self):
        return sorted(self.actions())

    def execute(self, command):
        action = self.actions().get(command.strip())
        return action() if action else "Nothing happens."

    def go(self, r):
        self.at = r
        return "You arrive at loc %d. %s" % (self.loc[r], self.describe(r))

    def set_open(self, r, is_open):
        self.opened[r] = is_open
        return "You open the %s. %s" % (r, self.describe(r)) if is_open else "You close the %s." % r

    def take(self, o, r):
        del self.where[o]
        self.holding = o
        return "You pick up the %s from the %s." % (o, r)

    def put(self, r):
        o, self.holding = self.holding, None
        self.where[o] = r
        return "You put the %s in/on the %s." % (o, r)

    def treat(self, verb, r):
        marks = self.state[self.holding]
        marks.add({"clean": "clean", "heat": "hot", "cool": "cool"}[verb])
        if verb == "heat":
            marks.discard("cool")
        if verb == "cool":
            marks.discard("hot")
        return "You %s the %s using the %s." % (verb, self.holding, r)

    def inventory(self):
        return "You are carrying: a %s." % self.holding if self.holding else "You are not carrying anything."

    def look(self):
        if self.at is None:
            return "You are in the middle of a room. Looking quickly around you, you see nothing."
        return "You are facing the %s. Next to it, you see nothing." % self.at

    # ---- goal -------------------------------------------------------------------------------
    def needed_mark(self):
        spec = TASKS[self.task_type]
        return {"clean": "clean", "heat": "hot", "cool": "cool"}[spec[1]] if spec else None

    def in_goal(self, o):
        return o in self.where and self.where[o].split()[0] == self.goal_recep_type

    def targets(self):
        return [o for o in self.state if o.split()[0] == self.target]

    def won(self):
        mark = self.needed_mark()
        return any(self.in_goal(o) and (mark is None or mark in self.state[o]) for o in self.targets())

    def goal_condition_success_rate(self):
        mark = self.needed_mark()
        if mark is None:
            return 1.0 if self.won() else 0.0
        met = any(self.in_goal(o) for o in self.targets())
        met += any(mark in self.state[o] for o in self.targets())
        met += self.won()
        return met / 3.0

    def expert_next(self):
        if self.won():
            return None
        mark = self.needed_mark()
        if self.holding and self.holding.split()[0] != self.target:
            if self.at is None:
                return "go to countertop 1"
            return "put %s in/on %s" % (self.holding, self.at) if self.opened[self.at] else "open " + self.at
        if self.holding:
            if mark and mark not in self.state[self.holding]:
                appliance = [r for r in self.receptacles if r.split()[0] == TASKS[self.task_type][0]][0]
                if self.at != appliance:
                    return "go to " + appliance
                return "%s %s with %s" % (TASKS[self.task_type][1], self.holding, appliance)
            dest = [r for r in self.receptacles if r.split()[0] == self.goal_recep_type][0]
        else:
            o = [o for o in self.targets() if not self.in_goal(o)][0]
            dest = self.where[o]
        if self.at != dest:
            return "go to " + dest
        if not self.opened[dest]:
            return "open " + dest
        return "put %s in/on %s" % (self.holding, dest) if self.holding else "take %s from %s" % (o, dest)

    # ---- frame ------------------------------------------------------------------------------
    def frame(self, width, height):
        """Background colour from the location, a bar per visible object, a block when holding."""
        loc = self.loc.get(self.at, 0)
        bg = ((loc * 53) % 200 + 30, (loc * 97) % 200 + 30, (loc * 31) % 200 + 30)
        pixels = bytearray(bytes(bg) * (width * height))
        visible = self.contents(self.at) if self.at and self.opened[self.at] else []
        for i, _ in enumerate(visible):
            x0 = 4 + i * 10
            for y in range(4, min(height, 20)):
                for x in range(x0, min(width, x0 + 6)):
                    pixels[(y * width + x) * 3:(y * width + x) * 3 + 3] = b"\xff\xff\xff"
        if self.holding:
            for y in range(height - 12, height - 2):
                for x in range(2, min(width, 14)):
                    pixels[(y * width + x) * 3:(y * width + x) * 3 + 3] = b"\xe0\x40\x2a"
        return (width, height, bytes(pixels))


class FakeHouseholdBackend:
    """The backend interface alfworld_server.py expects: hello, init, reset, step, close."""

    def __init__(self, backend_error, allow_faults=False):
        self.error = backend_error
        self.allow_faults = allow_faults
        self.games = []
        self.task_types = list(TASKS)
        self.image = {"enabled": False}
        self.rng = random.Random(0)

    def hello(self):
        return {"backend": "fake", "capabilities": {"tw": True, "thor": False, "images": True}, "data_ok": True}

    def init(self, request, batch_size):
        wanted = request.get("task_types") or list(TASKS)
        unknown = [t for t in wanted if t not in TASKS]
        if unknown:
            raise self.error("BAD_REQUEST", "the fake backend has task types %s, not %s" % (sorted(TASKS), unknown))
        self.task_types = wanted
        self.image = request.get("image") or {"enabled": False}
        self.games = [None] * batch_size
        self.rng = random.Random(request.get("seed", 0))
        options = request.get("options") or {}
        if options.get("hang_on_init"):
            time.sleep(3600)
        return {"num_games": -1, "wording": "tw-2.1.1", "batch_size": batch_size}

    def state(self, game, obs):
        frame = None
        if self.image.get("enabled"):
            frame = game.frame(int(self.image.get("width", 32)), int(self.image.get("height", 32)))
        nxt = game.expert_next()
        return {
            "game": {"id": "fake-%d" % game.seed, "task_type": game.task_type, "goal_text": game.goal},
            "obs": obs,
            "admissible_commands": game.admissible(),
            "won": game.won(),
            "done": game.won(),
            "goal_condition_success_rate": game.goal_condition_success_rate(),
            "expert_plan": [nxt] if nxt else [],
            "frame": frame,
        }

    def reset(self, slots, seed, games=None):
        if seed is not None:
            self.rng = random.Random(seed)
        out = []
        for s in slots:
            game = Game(self.rng.randrange(2**31), self.task_types)
            self.games[s] = game
            out.append(self.state(game, game.intro()))
        return out

    def step(self, commands):
        if self.allow_faults:
            for command in commands.values():
                if command == "debug hang":
                    time.sleep(3600)
                if command == "debug crash":
                    os._exit(17)
                if command == "debug noise":
                    sys.__stdout__.write("this line is not JSON\n")
                    sys.__stdout__.flush()
        return {s: self.state(self.games[s], self.games[s].execute(c)) for s, c in commands.items()}

    def close(self):
        self.games = []
