"""The real ALFWorld backend of alfworld_server.py: the only module that imports `alfworld`.

Python-side setup (see the package README):
    pip install "alfworld[full]==0.3.2"     # RL4VLM's pin (text-only TW needs just `alfworld`)
    export ALFWORLD_DATA=~/.cache/alfworld  # or pass dataPath to the bridge
    alfworld-download                       # games, PDDL and (with [full]) THOR assets
Written against alfworld 0.3.x (classes imported by name) and >= 0.4.2 (get_environment).
"""

import importlib.util
import os
import random

INSTALL_HINT = (
    'pip install "alfworld[full]==0.3.2" && alfworld-download '
    "(set ALFWORLD_DATA or the bridge's dataPath to where the data went; the THOR env also needs an X display and a GPU)"
)

ENV_CLASSES = {"tw": "AlfredTWEnv", "thor": "AlfredThorEnv", "hybrid": "AlfredHybrid"}
SPLITS = {"train": "train", "valid_seen": "eval_in_distribution", "valid_unseen": "eval_out_of_distribution"}
TASK_IDS = {
    "pick_and_place_simple": 1,
    "look_at_obj_in_light": 2,
    "pick_clean_then_place_in_recep": 3,
    "pick_heat_then_place_in_recep": 4,
    "pick_cool_then_place_in_recep": 5,
    "pick_two_obj_and_place": 6,
}


def default_config(data_root):
    """The keys of alfworld's configs/base_config.yaml the envs read, with its defaults (spec §1.2)."""
    return {
        "dataset": {
            "data_path": os.path.join(data_root, "json_2.1.1", "train"),
            "eval_id_data_path": os.path.join(data_root, "json_2.1.1", "valid_seen"),
            "eval_ood_data_path": os.path.join(data_root, "json_2.1.1", "valid_unseen"),
            "num_train_games": -1,
            "num_eval_games": -1,
        },
        "logic": {
            "domain": os.path.join(data_root, "logic", "alfred.pddl"),
            "grammar": os.path.join(data_root, "logic", "alfred.twl2"),
        },
        "env": {
            "type": "AlfredTWEnv",
            "domain_randomization": False,
            "task_types": [1, 2, 3, 4, 5, 6],
            "expert_timeout_steps": 150,
            "expert_type": "handcoded",
            "goal_desc_human_anns_prob": 0.0,
            "hybrid": {"start_eps": 100000, "thor_prob": 0.5, "eval_mode": "tw"},
            "thor": {"screen_width": 300, "screen_height": 300, "smooth_nav": False, "save_frames_to_disk": False, "save_frames_path": "./videos/"},
        },
        "controller": {"type": "oracle", "debug": False, "load_receps": True},
        "mask_rcnn": {"pretrained_model_path": os.path.join(data_root, "detectors", "mrcnn.pth")},
        "general": {"random_seed": 42, "use_cuda": False, "visdom": False, "task": "alfred", "training_method": "dagger", "save_path": "./training/", "observation_pool_capacity": 3, "hide_init_receptacles": False, "training": {"batch_size": 1, "max_episode": 50000, "smoothing_eps": 0.1, "optimizer": {"learning_rate": 0.001, "clip_grad_norm": 5}}, "evaluate": {"run_eval": False, "batch_size": 1, "env": {"type": "AlfredTWEnv"}}, "checkpoint": {"report_frequency": 1000, "experiment_tag": "bridge", "load_pretrained": False, "load_from_tag": "", "save_frequency": 1000}, "model": {"encoder_layers": 1, "decoder_layers": 1, "encoder_conv_num": 5, "block_hidden_dim": 64, "n_heads": 1, "dropout": 0.1, "block_dropout": 0.1, "recurrent": True}},
        "dagger": {"action_space": "generation", "max_target_length": 20, "beam_width": 10, "generate_top_k": 5, "unstick_by_beam_search": False, "training": {"max_nb_steps_per_episode": 50}, "fraction_assist": {"fraction_assist_anneal_episodes": 50000, "fraction_assist_anneal_from": 1.0, "fraction_assist_anneal_to": 0.01}, "fraction_random": {"fraction_random_anneal_episodes": 0, "fraction_random_anneal_from": 0.0, "fraction_random_anneal_to": 0.0}, "replay": {"replay_memory_capacity": 500000, "update_per_k_game_steps": 5, "replay_batch_size": 64, "replay_sample_history_length": 4, "replay_sample_update_from": 2}},
        "rl": {"action_space": "admissible", "max_target_length": 20, "beam_width": 10, "generate_top_k": 3, "training": {"max_nb_steps_per_episode": 50, "learn_start_from_this_episode": 0, "target_net_update_frequency": 500}, "replay": {"accumulate_reward_from_final": True, "count_reward_lambda": 0.0, "novel_object_reward_lambda": 0.0, "discount_gamma_game_reward": 0.9, "discount_gamma_count_reward": 0.5, "discount_gamma_novel_object_reward": 0.5, "replay_memory_capacity": 500000, "replay_memory_priority_fraction": 0.5, "update_per_k_game_steps": 5, "replay_batch_size": 64, "multi_step": 3, "replay_sample_history_length": 4, "replay_sample_update_from": 2}, "epsilon_greedy": {"noisy_net": False, "epsilon_anneal_episodes": 1000, "epsilon_anneal_from": 0.3, "epsilon_anneal_to": 0.1}},
    }


def deep_update(base, overrides):
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_update(base[key], value)
        else:
            base[key] = value
    return base


def task_type_of(gamefile):
    """`.../json_2.1.1/train/pick_heat_then_place_in_recep-Egg-None-Fridge-1/trial_…/game.tw-pddl` -> task type."""
    for part in reversed(str(gamefile).replace("\\", "/").split("/")):
        head = part.split("-")[0]
        if head in TASK_IDS:
            return head
    return "unknown"


def goal_of(obs):
    marker = "Your task is to: "
    at = obs.find(marker)
    return obs[at + len(marker):].strip().rstrip(".") if at >= 0 else ""


class AlfworldBackend:
    """Drives alfworld's AlfredTWEnv / AlfredThorEnv / AlfredHybrid for alfworld_server.py."""

    def __init__(self, backend_error, log):
        self.error = backend_error
        self.log = log
        self.env = None
        self.env_type = "tw"
        self.batch_size = 1
        self.images = False
        self.goals = []
        self.games = []

    def hello(self):
        installed = importlib.util.find_spec("alfworld") is not None
        data = os.environ.get("ALFWORLD_DATA", os.path.expanduser("~/.cache/alfworld"))
        return {
            "backend": "alfworld",
            "alfworld_installed": installed,
            "capabilities": {"tw": installed, "thor": installed and importlib.util.find_spec("ai2thor") is not None, "images": True},
            "data_ok": os.path.isdir(os.path.join(data, "json_2.1.1")),
            "install": INSTALL_HINT,
        }

    def init(self, request, batch_size):
        if request.get("data_path"):
            os.environ["ALFWORLD_DATA"] = os.path.expanduser(request["data_path"])
        data_root = os.environ.setdefault("ALFWORLD_DATA", os.path.expanduser("~/.cache/alfworld"))
        try:
            import alfworld.agents.environment as environment  # the one import of alfworld
        except ImportError as error:
            raise self.error("DEPENDENCY_MISSING", "Python module 'alfworld' is not installed (%s). Install it with: %s" % (error, INSTALL_HINT))
        config = self.load_config(request.get("config_path"), data_root)
        self.env_type = request.get("env_type", "tw")
        if self.env_type not in ENV_CLASSES:
            raise self.error("BAD_REQUEST", "env_type must be one of %s, got %r" % (sorted(ENV_CLASSES), self.env_type))
        config["env"]["type"] = ENV_CLASSES[self.env_type]
        if request.get("task_types"):
            config["env"]["task_types"] = [TASK_IDS[t] for t in request["task_types"]]
        if request.get("controller"):
            config["controller"]["type"] = request["controller"]
        deep_update(config, request.get("config_overrides"))
        if not os.path.isdir(os.path.expanduser(os.path.expandvars(config["dataset"]["data_path"]))):
            raise self.error("DATA_MISSING", "ALFWorld data not found under %s; run alfworld-download (ALFWORLD_DATA=%s)" % (config["dataset"]["data_path"], data_root))
        seed = int(request.get("seed", 0))
        random.seed(seed)
        try:
            import numpy

            numpy.random.seed(seed)
        except ImportError:
            pass
        split = SPLITS.get(request.get("split", "train"), request.get("split", "train"))
        env_class = environment.get_environment(config["env"]["type"]) if hasattr(environment, "get_environment") else getattr(environment, config["env"]["type"])
        try:
            self.env = env_class(config, train_eval=split).init_env(batch_size=batch_size)
        except Exception as error:  # THOR without a display, missing assets, …
            code = "THOR_UNAVAILABLE" if self.env_type != "tw" else "INTERNAL"
            raise self.error(code, "could not start %s: %s: %s" % (config["env"]["type"], type(error).__name__, error))
        self.batch_size = batch_size
        self.images = bool((request.get("image") or {}).get("enabled")) and self.env_type != "tw"
        self.goals = [""] * batch_size
        self.games = [{"id": None, "task_type": "unknown", "goal_text": ""}] * batch_size
        wording = "thor-oracle" if self.env_type == "thor" else "tw-2.1.1"
        return {"num_games": len(getattr(self.env, "game_files", []) or []) or -1, "wording": wording, "batch_size": batch_size}

    def load_config(self, path, data_root):
        if not path:
            return default_config(data_root)
        try:
            import yaml
        except ImportError:
            raise self.error("DEPENDENCY_MISSING", "PyYAML is needed to read %s: pip install pyyaml" % path)
        with open(os.path.expanduser(path)) as handle:
            loaded = yaml.safe_load(handle)
        return deep_update(default_config(data_root), loaded)

    def slot_state(self, i, obs, infos, done):
        gamefile = (infos.get("extra.gamefile") or [None] * self.batch_size)[i]
        if obs and "Your task is to:" in obs:
            self.goals[i] = goal_of(obs)
            self.games[i] = {"id": str(gamefile), "task_type": task_type_of(gamefile), "goal_text": self.goals[i]}
        rates = infos.get("goal_condition_success_rate")
        won = bool(infos["won"][i])
        expert = infos.get("extra.expert_plan")
        return {
            "game": self.games[i],
            "obs": obs,
            "admissible_commands": list(infos["admissible_commands"][i]),
            "won": won,
            "done": bool(done[i]) if done is not None else False,
            "goal_condition_success_rate": float(rates[i]) if rates is not None else None,
            "expert_plan": list(expert[i]) if expert is not None else None,
            "frame": self.frame(i),
        }

    def frame(self, i):
        if not self.images:
            return None
        frames = self.env.get_frames()  # (B, H, W, 3) uint8, BGR
        rgb = frames[i][:, :, ::-1]
        return (int(rgb.shape[1]), int(rgb.shape[0]), rgb.tobytes())

    def reset(self, slots, seed, games=None):
        if len(slots) != self.batch_size:
            raise self.error("BATCH_MISMATCH", "ALFWorld resets all %d slots together" % self.batch_size)
        if seed is not None:
            random.seed(seed)
            if hasattr(self.env, "seed"):
                self.env.seed(seed)
        obs, infos = self.env.reset()
        return [self.slot_state(i, obs[i], infos, None) for i in slots]

    def step(self, commands):
        # Idle slots repeat 'look', which changes nothing in ALFWorld.
        batch = [commands.get(i, "look") for i in range(self.batch_size)]
        obs, _scores, dones, infos = self.env.step(batch)
        return {i: self.slot_state(i, obs[i], infos, dones) for i in commands}

    def close(self):
        if self.env is not None and hasattr(self.env, "close"):
            self.env.close()
        self.env = None
