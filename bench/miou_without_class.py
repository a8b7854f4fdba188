#!/usr/bin/env python3
"""Seed-by-seed mIoU differences between two study rows, with and without some classes.

A 15-class mean moves by several points when one rare class is learned in one seed (truck IoU
7.5 in one run, 68.5 in another), so a row's gain can be one class. This recomputes each run's
mean over the classes its eval.json scored, leaving the named classes out, and prints the
differences row − baseline per seed with their mean and sample standard deviation.

    python3 bench/miou_without_class.py runs/study cluda-tau0.1 cluda --without truck
"""
import argparse
import json
import os
import statistics


def miou(run_dir, without):
    path = os.path.join(run_dir, "eval.json")
    with open(path) as f:
        classes = json.load(f)["classes"]
    values = [v for k, v in classes.items() if v is not None and k not in without]
    if not values:
        raise SystemExit(f"{path}: no scored class left after leaving out {sorted(without)}")
    return sum(values) / len(values), len(values)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("study", help="the study's output folder (ROW/seedK/eval.json under it)")
    p.add_argument("row")
    p.add_argument("baseline")
    p.add_argument("--without", nargs="*", default=[], help="class names to leave out")
    p.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    a = p.parse_args()
    for without in ([], a.without) if a.without else ([],):
        diffs, n = [], 0
        for s in a.seeds:
            r, n = miou(os.path.join(a.study, a.row, f"seed{s}"), set(without))
            b, _ = miou(os.path.join(a.study, a.baseline, f"seed{s}"), set(without))
            diffs.append(r - b)
        spread = statistics.stdev(diffs) if len(diffs) > 1 else float("nan")
        label = f"without {', '.join(without)}" if without else "all scored classes"
        print(f"{a.row} - {a.baseline}, {label} ({n} classes): "
              + ", ".join(f"{d:+.2f}" for d in diffs)
              + f"; mean {statistics.mean(diffs):+.2f} ± {spread:.2f}")


if __name__ == "__main__":
    main()
