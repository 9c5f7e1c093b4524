"""A stand-in for `alfworld.agents.environment` (tests only): the same surface the bridge's
backend calls — get_environment(name) -> class; cls(config, train_eval).init_env(batch_size);
reset() -> (obs, infos); step(commands) -> (obs, scores, dones, infos) — over a one-step game."""

import os

CALLS = []


class AlfredTWEnv:
    def __init__(self, config, train_eval="train"):
        self.config = config
        self.train_eval = train_eval
        self.batch_size = 1
        self.had = []
        # Lets the test see what the backend configured.
        with open(os.path.join(os.environ["ALFWORLD_DATA"], "stub-config.txt"), "w") as out:
            out.write("%s %s %s\n" % (train_eval, config["env"]["type"], config["env"]["task_types"]))

    def init_env(self, batch_size):
        self.batch_size = batch_size
        return self

    def infos(self):
        return {
            "admissible_commands": [["go to fridge 1", "inventory", "look"] if not h else ["inventory", "look", "take apple 1 from fridge 1"] for h in self.had],
            "won": [False] * self.batch_size,
            "extra.gamefile": ["/data/json_2.1.1/train/pick_and_place_simple-Apple-None-Fridge-1/trial_1/game.tw-pddl"] * self.batch_size,
        }

    def reset(self):
        self.had = [False] * self.batch_size
        obs = "-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room. Looking quickly around you, you see a fridge 1.\n\nYour task is to: put a apple in fridge."
        print("alfworld prints progress to stdout")  # the sidecar must keep this off the protocol
        return [obs] * self.batch_size, self.infos()

    def step(self, commands):
        obs = []
        won = []
        for i, command in enumerate(commands):
            if command == "go to fridge 1" and not self.had[i]:
                self.had[i] = True
                obs.append("You arrive at loc 1. On the fridge 1, you see a apple 1.")
                won.append(False)
            elif command == "take apple 1 from fridge 1" and self.had[i]:
                obs.append("You pick up the apple 1 from the fridge 1.")
                won.append(True)
            else:
                obs.append("Nothing happens.")
                won.append(False)
        infos = self.infos()
        infos["won"] = won
        return obs, [int(w) for w in won], won, infos


def get_environment(name):
    if name != "AlfredTWEnv":
        raise ValueError("the stub has only AlfredTWEnv")
    return AlfredTWEnv
