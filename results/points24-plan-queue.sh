#!/usr/bin/env bash
# Points24 with the `points24-plan` recipe, per seed: the 4-epoch SFT (reproduce.mjs), then four
# more epochs over the same 4,096 episodes, each from the previous checkpoint at a lower learning
# rate (5e-4, 3e-4, 2e-4, 1.5e-4, 1e-4: runs <base>-cont … -cont5).
# Safe to stop and start again: the base SFT resumes (--skip-done), a finished continuation is
# skipped, an interrupted one resumes from its checkpoint. SEEDS="2 3" by default; WORKERS=1 by
# default, so two queues (SEEDS=2 and SEEDS=3) can share two cores. TAG=plan by default names
# the runs (p24-sft-<TAG>[-sN][-contK]); a second TAG re-runs the chain beside the first one's
# files, and FROM=<run> starts the continuations from that run's checkpoint instead of the 4-epoch SFT.
set -uo pipefail
cd "$(dirname "$0")/.."
COMMON=(--preset points24-plan --set env.text.cot=true --set eval.episodes=1000 --set eval.numEnvs=32
  --set eval.maxNewTokens=128 --set ppo.generate.maxNewTokens=128 --set sft.train.maxNewTokens=128 --stages sft)
finished() { [ -f "results/runs/$1/summary.json" ] && grep -q '"stopped": false' "results/runs/$1/summary.json"; }
for s in ${SEEDS:-2 3}; do
  base="p24-sft-${TAG:-plan}$([ "$s" = 1 ] || echo "-s$s")"
  if [ -n "${FROM:-}" ]; then
    prev="$FROM"
  else
    node results/reproduce.mjs points24 --preset points24-plan --tag "${TAG:-plan}" --eval 1000 --skip-done --seed "$s" --stage sft --workers "${WORKERS:-1}" || exit 1
    prev="$base"
  fi
  k=0
  for lr in 0.0005 0.0003 0.0002 0.00015 0.0001; do
    k=$((k + 1))
    name="$base-cont$([ $k = 1 ] || echo $k)"
    if finished "$name"; then prev="$name"; continue; fi
    if [ -d "results/runs/$name/checkpoints" ] && ls "results/runs/$name/checkpoints" | grep -q '^sft-step-'; then
      echo "$(date -u +%FT%TZ) node apps/cli/bin/rl4vlm.js resume $name --runs-dir results/runs --workers ${WORKERS:-1}" >> results/commands.log
      node apps/cli/bin/rl4vlm.js resume "$name" --runs-dir results/runs --workers "${WORKERS:-1}" >> "results/logs/$name.log" 2>&1 || exit 1
    else
      bash results/run.sh "$name" "${COMMON[@]}" --seed "$s" --policy "tfjs:results/runs/$prev/checkpoints/sft/policy" \
        --set sft.train.epochs=1 --set sft.train.lr="$lr" --workers "${WORKERS:-1}" || exit 1
    fi
    prev="$name"
  done
done
