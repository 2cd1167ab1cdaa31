# The registry here has @duckdb/node-bindings 1.5.6-r.1 only for linux-x64(-musl); npm then leaves the
# other platforms out of package-lock.json and `npm ci` refuses the lock ("Missing ... from lock
# file"). This adds them as platform-limited optional entries, which npm ci skips on this machine.
# Run after an npm install that rewrote the lock: python3 .ci/add-duckdb-platform-lock-entries.py package-lock.json
import json, sys
path = sys.argv[1]
lock = json.load(open(path))
pk = lock['packages']
bindings = pk['node_modules/@duckdb/node-bindings']
platforms = {
  'darwin-arm64': (['darwin'], ['arm64'], None), 'darwin-x64': (['darwin'], ['x64'], None),
  'linux-arm64': (['linux'], ['arm64'], ['glibc']), 'linux-arm64-musl': (['linux'], ['arm64'], ['musl']),
  'win32-arm64': (['win32'], ['arm64'], None), 'win32-x64': (['win32'], ['x64'], None),
}
for name, (os_, cpu, libc) in platforms.items():
    key = f'node_modules/@duckdb/node-bindings-{name}'
    if key in pk: continue
    entry = {'version': bindings['version'], 'cpu': cpu, 'license': 'MIT', 'optional': True, 'os': os_}
    if libc: entry['libc'] = libc
    pk[key] = entry
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(path, 'w'), indent=2)
open(path, 'a').write('\n')
