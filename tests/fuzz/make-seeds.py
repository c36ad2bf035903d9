#!/usr/bin/env python3
"""Write the extra seed inputs under tests/fuzz/seeds/ (run from anywhere;
the output is committed): make-seeds.py [BERTH] also stores `berth spec`
and `berth spec --rootless` output when given a built berth.  tools/fuzz.sh also feeds each target the
project's own samples in place: tests/data/bad-configs, tests/data/bad-pods,
examples/pods and data/seccomp.  The rich documents come from the unit
tests' full_config / full_pod / doc literals, so the seeds follow the tests
when the formats grow."""
import json
import os
import re
import subprocess
import sys
import tempfile

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
seeds = os.path.join(top, 'tests', 'fuzz', 'seeds')


def c_literal(path, name, single_quotes):
    """The concatenated C string literal `name` of a unit test."""
    src = open(os.path.join(top, path)).read()
    m = re.search(r'static const char %s\[\] =\n(.*?);\n' % name, src, re.S)
    text = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
    text = text.encode().decode('unicode_escape')
    return text.replace("'", '"') if single_quotes else text


def put(target, name, data):
    os.makedirs(os.path.join(seeds, target), exist_ok=True)
    if not isinstance(data, (str, bytes)):
        data = json.dumps(data, indent=1) + '\n'
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(seeds, target, name), 'wb') as f:
        f.write(data)


if len(sys.argv) > 1:
    for name, extra in (('spec-default.json', []), ('spec-rootless.json', ['--rootless'])):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.argv[1], 'spec', '--bundle', d] + extra, check=True)
            put('oci_config', name, open(os.path.join(d, 'config.json')).read())
            put('oci_process', name, json.load(open(os.path.join(d, 'config.json')))['process'])

cfg = json.loads(c_literal('tests/unit/test_specs.c', 'full_config', True))
put('oci_config', 'full.json', cfg)
put('oci_process', 'full.json', cfg['process'])
put('oci_resources', 'full.json', cfg['linux']['resources'])
put('seccomp', 'full.json', cfg['linux']['seccomp'])
put('oci_resources', 'update.json', {
    'memory': {'limit': 268435456, 'swap': 268435456},
    'cpu': {'shares': 512, 'quota': 50000, 'period': 100000, 'cpus': '0-1'},
    'pids': {'limit': 64}, 'unified': {'memory.high': '200M'}})
put('seccomp', 'notify-args.json', {
    'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,
    'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    'flags': ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
    'listenerPath': '/run/agent.sock',
    'syscalls': [
        {'names': ['read', 'write', 'exit_group', 'no_such_syscall'], 'action': 'SCMP_ACT_ALLOW'},
        {'names': ['openat'], 'action': 'SCMP_ACT_NOTIFY'},
        {'names': ['clone'], 'action': 'SCMP_ACT_ALLOW', 'args': [
            {'index': 0, 'value': 2114060288, 'op': 'SCMP_CMP_MASKED_EQ', 'valueTwo': 0},
            {'index': 1, 'value': 0, 'op': 'SCMP_CMP_NE'},
            {'index': 1, 'value': 5, 'op': 'SCMP_CMP_GT'}]},
        {'names': ['ptrace'], 'action': 'SCMP_ACT_KILL_PROCESS'},
        {'names': ['kill'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 3},
        {'names': ['uname'], 'action': 'SCMP_ACT_LOG'}]})

put('pod_spec', 'full.json', json.loads(c_literal('tests/unit/test_pod_spec.c', 'full_pod', True)))
put('pod_status', 'full.json', json.loads(c_literal('tests/unit/test_pod_status.c', 'doc', False)))

put('state', 'running.json', {
    'ociVersion': '1.2.0', 'id': 'web-1', 'pid': 4242, 'status': 'running',
    'bundle': '/srv/bundles/web', 'rootfs': '/srv/bundles/web/rootfs',
    'created': '2024-05-01T10:20:30.123456789Z', 'owner': '',
    'annotations': {'io.kubernetes.cri.container-type': 'container', 'x': ''},
    'oomKilled': True,
    'berth': {'pidStartTime': 123456789, 'cgroupPath': '/sys/fs/cgroup/berth/web-1',
              'systemdCgroup': False, 'execFifo': True, 'oomKillBase': 2}})
put('state', 'stopped.json', {'ociVersion': '1.2.0', 'id': 'x', 'pid': 0, 'status': 'stopped'})

for i, q in enumerate(['64Mi', '500m', '1.5Gi', '.5', '1e3', '129E6', '0.1m', '7.99Ei',
                       '9223372036854775807', '1e-99999999', '+5', '-0', '64MB', '1 Gi',
                       '0x10', '0.5cpu', '250millicores', '1,5Gi', '1Ki', '2n']):
    put('quantity', 'q%02d' % i, q)

put('cri_line', 'full', '2026-11-25T09:00:00.123456789Z stdout F hello world\n')
put('cri_line', 'partial-tags', '2026-11-25T09:00:00.5Z stderr P:x:y part')
put('cri_line', 'zone', '2026-11-25T10:30:00+01:30 stdout F m')
put('cri_line', 'leap', '2024-02-29T23:59:59.000000001-01:00 stderr F \n')

cri = ('2026-11-25T09:00:00.000000001Z stdout P hel\n'
       '2026-11-25T09:00:00.000000002Z stderr F oops\n'
       '2026-11-25T09:00:00.000000003Z stdout F lo\n')
put('logsrc', 'cri-rotated', b'\x01' + cri.encode() + b'\f' + cri.encode() + b'\f' +
    b'2026-11-25T09:00:01Z stdout P unfinished')
put('logsrc', 'cri-garbage', b'\x01garbage\n\n' + cri.encode())
put('logsrc', 'events', b'\x00{"type":"start"}\n\f{"type":"exit","code":1}\n\f{"type":"partial"')

put('probe_http', 'ok', b'\x00HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
put('probe_http', 'interim', b'\x05HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n'
    b'Link: </a>\r\n\r\nHTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n')
put('probe_http', 'bare-lf', b'\x0fHTTP/1.0 204 No Content\n\n')
put('probe_http', 'bad', b'\x03HTTP/1.1 2000 OK\r\n\r\n')
put('notify_filter', 'run', b'\x0cREADY=1\nSTATUS=serving\nMAINPID=1\nWATCHDOG=1\nERRNO=2')
put('notify_filter', 'pod', b'\x0dREADY=1\nSTOPPING=1\nRELOADING=1\nMONOTONIC_USEC=123\n'
    b'WATCHDOG=trigger\nFDSTORE=1\nBUSERROR=org.x.Err')
put('probe_http', 'banner', b'\x01SSH-2.0-OpenSSH_9.2\r\n')

for i, r in enumerate(['nginx', 'docker.io/library/busybox:1.36', 'index.docker.io/user/app',
                       'quay.io/org/app:v1.2-rc_3', '127.0.0.1:5000/t/x:1', '[::1]:5000/a',
                       'localhost/berth-test:1', 'Registry/app', 'a.b/c__d/e---f.g',
                       'busybox:latest@sha256:' + 'ab' * 32, 'x@sha256:' + '0' * 64,
                       'x@sha512:' + '0' * 128, 'UPPER/x', '0' * 64, 'a:' + 'T' * 129]):
    put('image_ref', 'r%02d' % i, r)


# ---- dictionaries --------------------------------------------------------
# JSON keys and enum names the parsers compare against, as quoted JSON
# strings, taken from the parsers' string literals.

def literals(paths):
    out = set()
    for p in paths:
        src = open(os.path.join(top, p)).read()
        for s in re.findall(r'"([A-Za-z_][A-Za-z0-9_./-]{1,47})"', src):
            out.add(s)
    return out


def write_dict(name, words, extra=()):
    def esc(s):
        return ''.join(c if c.isalnum() or c in ' _./-:=+,' else '\\x%02x' % ord(c) for c in s)
    lines = ['# Generated by tests/fuzz/make-seeds.py: tokens for libFuzzer -dict.']
    lines += ['"%s"' % esc(t) for t in extra]
    lines += ['"\\x22%s\\x22"' % esc(w) for w in sorted(words)]
    with open(os.path.join(top, 'tests', 'fuzz', name), 'w') as f:
        f.write('\n'.join(lines) + '\n')


json_syntax = ['{', '}', '[', ']', ':', ',', 'true', 'false', 'null', '-1',
               '18446744073709551616', '1e400', '\\u0000', '\\ud800']
specs = 'specs/'
oci_files = [specs + f for f in os.listdir(os.path.join(top, 'specs'))
             if f.startswith('oci_') and f.endswith('.c')] + ['specs/state.c']
pod_files = [specs + f for f in os.listdir(os.path.join(top, 'specs'))
             if f.startswith('pod_') and f.endswith('.c')]
write_dict('oci.dict', literals(oci_files + ['runtime/seccomp.c']), json_syntax)
write_dict('pod.dict', literals(pod_files) | {'berth.dev/oom-policy', 'berth.dev/oom-grow',
                                              'berth.dev/restart-backoff', 'berth.dev/sd-notify'},
           json_syntax + ['Mi', 'Gi', 'm', 'e', '..', '/'])
write_dict('http.dict', set(), ['HTTP/1.1 ', 'HTTP/1.0 ', '200', '100', '101', '103', '\r\n',
                                '\r\n\r\n', 'Content-Length: '])
write_dict('cri.dict', set(), ['2026-11-25T09:00:00', '.000000001', 'Z ', '+01:30 ', ' stdout ',
                               ' stderr ', ' F ', ' P ', 'P:', '\n', '\f'])
write_dict('notify.dict', set(), ['READY=1', 'STATUS=', 'STOPPING=1', 'RELOADING=1',
                                  'MONOTONIC_USEC=', 'ERRNO=', 'BUSERROR=', 'WATCHDOG=1',
                                  'WATCHDOG=trigger', 'WATCHDOG_USEC=', 'MAINPID=',
                                  'NOTIFYACCESS=', 'FDSTORE=1', 'EXTEND_TIMEOUT_USEC=', '\n'])
