#!/usr/bin/env python3
"""Benchmark of whole runs of the release binary (medians of several runs, peak RSS).

    python3 scripts/bench.py [--runs 5] [--batch 100] [--quick] [--bin OLD_BINARY]

Measures, on the real booklet in data/ unless said otherwise:
  check            juesuan check (seed)
  check-large      check of a generated department of ~10,000 科目 rows and 1,000 projects
  check-30k        check of a generated department of 30,000 projects (44 MB of YAML)
  booklet-pdf      juesuan build --format pdf
  floor-pdf        the booklet's generated .typ compiled alone by the same crates
  docx-cold        juesuan build --format docx, no page cache: the runs of pages laid out
                   (on all cores) for the 目录's page numbers
  booklet-docx     the same, run again: the pages come from the cache (.juesuan/*.pages)
  docx-after-edit  the same after an edit of one project file (its runs laid out again)
  docx-word-pages  juesuan build --format docx --docx-pages word (no layout; Word numbers the 目录)
  booklet-both     juesuan build (PDF + DOCX)
  report-pdf       juesuan report DIR p01 --format pdf (one 自评报告)
  shanghai-pdf     juesuan build --format pdf of data/putuo-planning-2024 (the Shanghai layout)
  report-both      juesuan report DIR p01 (PDF + DOCX)
  export           juesuan export (seed): every form as a sheet of one .xlsx
  import           juesuan import of that workbook into a copy of the seed without its form files
  import-projects  juesuan import of the seed's 自评表 workbook (28 sheets) without its project files
  watch-report     save of one project file → its 自评报告 PDF written (juesuan watch)
  watch-booklet    same save → booklet PDF written
  batch-N          juesuan batch over N generated departments (all cores)
Peak RSS is the child's ru_maxrss (os.wait4). Targets are from the issues.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "juesuan")
SEED = os.path.join(ROOT, "data", "lanxian-kfq-2024")


def run(args, cwd=ROOT):
    """Runs BIN args; returns (seconds, peak RSS in MB, exit code)."""
    t = time.perf_counter()
    p = subprocess.Popen([BIN] + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    return secs, usage.ru_maxrss / 1024, p.returncode, err


def measure(name, args, runs, ok=(0, 1), target=None, results=None, before=None):
    times, rss = [], []
    for i in range(runs):
        if before:
            before(i)  # untimed preparation of run i
        secs, mb, code, err = run(args)
        if code not in ok:
            sys.exit(f"{name}: exit {code}\n{err}")
        times.append(secs)
        rss.append(mb)
    report(name, times, max(rss), target, results)


def report(name, times, rss, target, results):
    med = statistics.median(times)
    line = f"{name:<16} median {med*1000:8.0f} ms   min {min(times)*1000:8.0f} ms   runs {len(times):2}"
    if rss is not None:
        line += f"   peak RSS {rss:6.0f} MB"
    if target:
        line += f"   target {target}"
    print(line, flush=True)
    results.append((name, med, rss))


def watch(runs, results, out):
    """Edits one project file `runs` times under `juesuan watch`; times save → PDF written."""
    work = tempfile.mkdtemp(prefix="bench-watch-")
    dept = os.path.join(work, "lanxian-kfq-2024")
    shutil.copytree(SEED, dept)
    p = subprocess.Popen([BIN, "watch", dept, "-o", out, "--format", "pdf", "--max-rebuilds", str(runs)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait_for(needle):
        for line in p.stderr:
            if needle in line:
                return time.perf_counter()
        sys.exit(f"watch ended before {needle!r}")

    wait_for("done in")
    project = os.path.join(dept, "projects", "p05.yaml")
    text = open(project, encoding="utf-8").read()
    rep, book = [], []
    for i in range(runs):
        time.sleep(0.3)
        # A visible edit: the 完成情况 sentence changes in the report and in the booklet.
        edited = text.replace('completion: "已完成既定目标', f'completion: "已完成既定目标（第{i + 1}次修改）', 1)
        assert edited != text
        t0 = time.perf_counter()
        with open(project, "w", encoding="utf-8") as f:
            f.write(edited)
        rep.append(wait_for("report p05: wrote") - t0)
        book.append(wait_for("booklet: wrote") - t0)
        wait_for("done in")
    _, status, usage = os.wait4(p.pid, 0)
    rss = usage.ru_maxrss / 1024
    report("watch-report", rep, rss, "< 300 ms", results)
    report("watch-booklet", book, rss, None, results)
    shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=100, help="departments in the batch run")
    ap.add_argument("--quick", action="store_true", help="skip the large check and the batch")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--bin", help="another juesuan binary to measure (implies --no-build), e.g. an older build")
    a = ap.parse_args()
    global BIN
    if a.bin:
        BIN, a.no_build = os.path.abspath(a.bin), True
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    print(f"juesuan benchmark — {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, medians of {a.runs} runs", flush=True)
    tmp = tempfile.mkdtemp(prefix="bench-")
    out = os.path.join(tmp, "out")
    results = []
    r = a.runs
    measure("check", ["check", SEED], r, target="< 100 ms", results=results)
    if not a.quick:
        large = os.path.join(tmp, "large")
        subprocess.run([BIN, "gen-sample", large, "--count", "1", "--rows", "10000", "--projects", "1000"],
                       check=True, stderr=subprocess.DEVNULL)
        measure("check-large", ["check", os.path.join(large, "sample-001")], r, target="< 1 s", results=results)
        many = os.path.join(tmp, "many")
        subprocess.run([BIN, "gen-sample", many, "--count", "1", "--rows", "100", "--projects", "30000"],
                       check=True, stderr=subprocess.DEVNULL)
        measure("check-30k", ["check", os.path.join(many, "sample-001")], max(1, min(3, r)),
                target="linear: 100,000 projects in a few seconds (docs/scale.md)", results=results)
        shutil.rmtree(many, ignore_errors=True)
    measure("booklet-pdf", ["build", SEED, "-o", out, "--format", "pdf"], r, target="< 1.5 s, < 500 MB", results=results)
    subprocess.run([BIN, "build", SEED, "-o", out, "--format", "pdf", "--emit-typst"], check=True, stderr=subprocess.DEVNULL)
    typ = os.path.join(out, "lanxian-kfq-2024.typ")
    measure("floor-pdf", ["compile-typst", typ, "-o", os.path.join(out, "floor.pdf")], r, results=results)
    cache = os.path.join(out, ".juesuan")
    measure("docx-cold", ["build", SEED, "-o", out, "--format", "docx"], r, target="< 300 ms", results=results,
            before=lambda i: shutil.rmtree(cache, ignore_errors=True))
    measure("booklet-docx", ["build", SEED, "-o", out, "--format", "docx"], r, target="< 300 ms", results=results)
    edited = os.path.join(tmp, "edited", "lanxian-kfq-2024")
    shutil.copytree(SEED, edited)
    p01 = os.path.join(edited, "projects", "p01.yaml")
    with open(p01, encoding="utf-8") as f:
        original = f.read()

    def edit(i):
        with open(p01, "w", encoding="utf-8") as f:
            f.write(original.replace('summary: "', 'summary: "' + "修改" * (i + 1), 1))

    eout = os.path.join(tmp, "edited-out")
    subprocess.run([BIN, "build", edited, "-o", eout, "--format", "docx"], check=True, stderr=subprocess.DEVNULL)
    measure("docx-after-edit", ["build", edited, "-o", eout, "--format", "docx"], r, target="< 300 ms",
            results=results, before=edit)
    measure("docx-word-pages", ["build", SEED, "-o", out, "--format", "docx", "--docx-pages", "word"], r,
            target="< 300 ms", results=results)
    measure("booklet-both", ["build", SEED, "-o", out], r, results=results)
    measure("report-pdf", ["report", SEED, "p01", "-o", out, "--format", "pdf"], r, target="< 300 ms", results=results)
    measure("report-both", ["report", SEED, "p01", "-o", out], r, results=results)
    xout = os.path.join(tmp, "xlsx")
    measure("export", ["export", SEED, "-o", xout], r, ok=(0,), target="< 200 ms", results=results)
    book = os.path.join(xout, "lanxian-kfq-2024.xlsx")
    into = os.path.join(tmp, "import", "lanxian-kfq-2024")
    shutil.copytree(SEED, into)

    def empty_tables(i):
        tables = os.path.join(into, "tables")
        for f in os.listdir(tables):
            os.remove(os.path.join(tables, f))

    measure("import", ["import", book, into], r, ok=(0,), target="< 300 ms", results=results, before=empty_tables)

    def empty_projects(i):
        projects = os.path.join(into, "projects")
        for f in os.listdir(projects):
            os.remove(os.path.join(projects, f))

    measure("import-projects", ["import", os.path.join(xout, "lanxian-kfq-2024-projects.xlsx"), into], r, ok=(0,),
            results=results, before=empty_projects)
    shanghai = os.path.join(ROOT, "data", "putuo-planning-2024")
    if os.path.isdir(shanghai) and subprocess.run([BIN, "check", shanghai], capture_output=True).returncode in (0, 1):
        measure("shanghai-pdf", ["build", shanghai, "-o", out, "--format", "pdf"], r, results=results)
    watch(r, results, os.path.join(tmp, "watch-out"))
    if not a.quick:
        root = os.path.join(tmp, "batch")
        subprocess.run([BIN, "gen-sample", root, "--count", str(a.batch), "--rows", "120", "--projects", "10"],
                       check=True, stderr=subprocess.DEVNULL)
        runs = max(1, min(3, r))
        measure(f"batch-{a.batch}", ["batch", root, "-o", os.path.join(tmp, "batch-out")], runs,
                target="< 60 s, < 1 GB", results=results)
    floor = dict((n, m) for n, m, _ in results).get("floor-pdf")
    pdf = dict((n, m) for n, m, _ in results).get("booklet-pdf")
    if floor and pdf:
        print(f"booklet-pdf is {pdf/floor:.2f}× the floor (load+compute+check+render take {1000*(pdf-floor):.0f} ms)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
