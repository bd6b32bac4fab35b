// Run tests/pyodide/core_job.py inside Pyodide under Node.js.
//   node run.mjs PYODIDE_DIR WHEELS_DIR REPO_DIR JOB.json
// The wheels (pure-Python, and pyemscripten builds where the project publishes them) are
// unpacked into Pyodide's own site-packages; the repository is mounted read-only and put first on
// sys.path, as an installed package would be. Prints the job's JSON on stdout.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheelsDir, repoDir, jobPath] = process.argv.slice(2).map((p) => resolve(p));
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: (s) => process.stderr.write(s + "\n") });

py.FS.mkdirTree("/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root: repoDir }, "/repo");
for (const name of readdirSync(wheelsDir).filter((n) => n.endsWith(".whl"))) {
  py.unpackArchive(new Uint8Array(readFileSync(join(wheelsDir, name))), "wheel");
}
py.globals.set("job_text", readFileSync(jobPath, "utf8"));
let out;
try {
  out = py.runPython(`
import sys
sys.path[:0] = ["/repo", "/repo/tests/pyodide"]
import core_job
core_job.run(job_text)
`);
} catch (err) {
  // A Python exception's message is its traceback; Node's own report would print Pyodide's source.
  process.stderr.write(String(err.message || err) + "\n");
  process.exit(1);
}
process.stdout.write(out);
