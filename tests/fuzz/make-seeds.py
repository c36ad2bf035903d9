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

# An image's User, passwd and group (fuzz_passwd.c): the User up to '\n',
# then passwd up to '\f', then group.
PASSWD = ('root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/:/sbin/nologin\n'
          'app:x:1000:1001:App,,,:/home/app:/bin/sh\n# comment\nbad:x:-1:0\n')
GROUP = 'root:x:0:\nwheel:x:10:root,app\napp:x:1001:\naudio:x:29:daemon,app\nstaff:x:50:\n'
for i, u in enumerate(['app', '1000', '0', '1000:50', 'app:staff', '1000:staff', 'app:7',
                       'nobody', '4294967295', 'a:b:c', '']):
    put('passwd', 'u%02d' % i, u + '\n' + PASSWD + '\f' + GROUP)

# Image documents (fuzz_image_json.c): the first byte picks the parser
# (0 index, 1 manifest, 2 config, 3 docker-archive manifest.json,
# 4 names.json), the rest is the document.
OCI = 'application/vnd.oci.image.'
DOCKER = 'application/vnd.docker.'
dg = ['sha256:' + c * 64 for c in '0abc']


def desc(media, d, size=1, **extra):
    return dict({'mediaType': media, 'digest': d, 'size': size}, **extra)


def put_image(n, kind, doc):
    text = doc if isinstance(doc, str) else json.dumps(doc, indent=1)
    put('image_json', n, bytes([kind]) + text.encode())


put_image('index-oci', 0, {
    'schemaVersion': 2, 'mediaType': OCI + 'index.v1+json',
    'manifests': [
        desc(OCI + 'manifest.v1+json', dg[1], 1234, platform={'architecture': 'amd64', 'os': 'linux'}),
        desc(OCI + 'manifest.v1+json', dg[2], 99, platform={'architecture': 'arm64', 'os': 'linux',
                                                             'variant': 'v8'},
             annotations={'org.opencontainers.image.ref.name': '1.0',
                          'io.containerd.image.name': 'docker.io/library/x:1.0'}),
        desc(OCI + 'manifest.v1+json', dg[3], 5, platform={'architecture': 'arm', 'os': 'linux',
                                                            'variant': 'v7'}),
        desc('application/vnd.in-toto+json', dg[0], 566,
             platform={'architecture': 'unknown', 'os': 'unknown'})]})
put_image('index-docker', 0, {
    'schemaVersion': 2, 'mediaType': DOCKER + 'distribution.manifest.list.v2+json',
    'manifests': [desc(DOCKER + 'distribution.manifest.v2+json', dg[1], 528,
                       platform={'architecture': 's390x', 'os': 'linux', 'features': ['x']}),
                  desc(DOCKER + 'distribution.manifest.v2+json', dg[2], 528,
                       platform={'architecture': 'x86_64', 'os': 'Linux', 'variant': 'v1'})]})
put_image('index-layout', 0, {
    'schemaVersion': 2, 'manifests': [desc(OCI + 'manifest.v1+json', dg[1], 400, annotations={
        'org.opencontainers.image.ref.name': 'localhost/berth-test:1'})]})
put_image('manifest-oci', 1, {
    'schemaVersion': 2, 'mediaType': OCI + 'manifest.v1+json',
    'config': desc(OCI + 'config.v1+json', dg[1], 1470),
    'layers': [desc(OCI + 'layer.v1.tar+gzip', dg[2], 2), desc(OCI + 'layer.v1.tar+zstd', dg[3], 3)],
    'annotations': {'org.opencontainers.image.created': '2026-12-03T10:00:00Z'}})
put_image('manifest-docker', 1, {
    'schemaVersion': 2, 'mediaType': DOCKER + 'distribution.manifest.v2+json',
    'config': desc(DOCKER + 'container.image.v1+json', dg[1], 7023),
    'layers': [desc(DOCKER + 'image.rootfs.foreign.diff.tar.gzip', dg[2], 1,
                    urls=['https://example.com/x']),
               desc(DOCKER + 'image.rootfs.diff.tar.gzip', dg[3], 32654)]})
put_image('manifest-artifact', 1, {
    'schemaVersion': 2, 'mediaType': OCI + 'manifest.v1+json', 'artifactType': 'application/x',
    'config': desc('application/vnd.oci.empty.v1+json', dg[0], 2), 'layers': []})
put_image('manifest-schema1', 1, {'schemaVersion': 1, 'name': 'x', 'tag': 'y', 'fsLayers': []})
put_image('config-oci', 2, {
    'created': '2026-12-03T10:00:00Z', 'architecture': 'arm64', 'variant': 'v8', 'os': 'linux',
    'config': {'User': 'app', 'Env': ['PATH=/bin', 'A=image'], 'Entrypoint': ['/bin/sh', '-c'],
               'Cmd': ['echo hi'], 'WorkingDir': '/tmp', 'StopSignal': 'SIGTERM',
               'ExposedPorts': {'80/tcp': {}}, 'Labels': {'k': 'v'}},
    'rootfs': {'type': 'layers', 'diff_ids': [dg[1], dg[2]]},
    'history': [{'created_by': 'x'}, {'empty_layer': True}]})
put_image('config-docker', 2, {
    'architecture': 'amd64', 'os': 'linux', 'docker_version': '20.10.7',
    'config': {'Hostname': '', 'User': '', 'Env': None, 'Cmd': None, 'Entrypoint': [''],
               'WorkingDir': '', 'Image': dg[0]},
    'container_config': {'Cmd': ['/bin/sh', '-c', '#(nop)']},
    'rootfs': {'type': 'layers', 'diff_ids': [dg[3]]}, 'history': None})
put_image('docker-archive', 3, [
    {'Config': 'a' * 64 + '.json', 'RepoTags': ['localhost/berth-test:1', 'busybox'],
     'Layers': ['b' * 64 + '.tar', '0123/layer.tar']},
    {'Config': 'blobs/sha256/' + 'c' * 64, 'RepoTags': None, 'Layers': ['./x/..y/z.tar']}])
put_image('docker-archive-bad', 3, [{'Config': 'c.json', 'Layers': ['ok.tar', 'x/../../y.tar']}])
put_image('names', 4, {'names': {'docker.io/library/busybox:latest': dg[1],
                                 'localhost/berth-test:1': dg[2], 'quay.io/x@' + dg[0]: dg[3]}})


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
image_files = ['specs/image.c', 'specs/image_config.c', 'specs/image_docker.c']
media_types = set()
for f in image_files:
    media_types |= set(re.findall(r'"(application/[^"]+)"', open(os.path.join(top, f)).read()))
# libFuzzer takes entries of at most 64 bytes: a digest goes in two halves.
write_dict('image.dict', literals(image_files) | media_types | {'application/vnd.oci.empty.v1+json'},
           json_syntax + ['sha256:', 'sha512:', '0123456789abcdef0123456789abcdef', '..', '/',
                          'linux', 'amd64', 'arm64', 'v8', 'layers', '1e3', '-0'])


# ---- image archives (fuzz_image_archive.c) --------------------------------
# Tiny docker-archive and oci-archive tars for linux/amd64 (the platform
# the harness asks for whatever the host): mostly one layer of one file,
# plus a layer with a directory, symlink, hardlink, whiteouts, a device
# and a pax long name, so each seed is a few KiB.  Deterministic: mtime 0,
# root-owned, no tar padding past the end-of-archive blocks, gzip mtime 0.
import gzip as _gzip
import hashlib as _hashlib
import io as _io
import shutil as _shutil
import tarfile as _tarfile

A_OCI = 'application/vnd.oci.image.'


def _sha(b):
    return 'sha256:' + _hashlib.sha256(b).hexdigest()


def _cj(o):
    return json.dumps(o, separators=(',', ':'), sort_keys=True).encode()


def _tar(members):
    """members: (name, bytes) regular files, (name, ('sym', target)),
    (name, ('hard', target)), (name, ('dir',)), (name, ('chr', maj, min))."""
    buf = _io.BytesIO()
    tf = _tarfile.open(fileobj=buf, mode='w', format=_tarfile.PAX_FORMAT)
    for name, what in members:
        ti = _tarfile.TarInfo(name)
        ti.mtime = 0
        ti.uname = ti.gname = 'root'
        data = None
        if isinstance(what, bytes):
            ti.size, ti.mode, data = len(what), 0o644, _io.BytesIO(what)
        elif what[0] == 'dir':
            ti.type, ti.mode = _tarfile.DIRTYPE, 0o755
        elif what[0] == 'sym':
            ti.type, ti.linkname, ti.mode = _tarfile.SYMTYPE, what[1], 0o777
        elif what[0] == 'hard':
            ti.type, ti.linkname, ti.mode = _tarfile.LNKTYPE, what[1], 0o644
        elif what[0] == 'chr':
            ti.type, ti.devmajor, ti.devminor, ti.mode = _tarfile.CHRTYPE, what[1], what[2], 0o600
        tf.addfile(ti, data)
    end = tf.offset
    tf.close()
    return buf.getvalue()[:end + 1024]


LAYER_ONE = _tar([('hello', b'hi\n')])
LAYER_RICH = _tar([('etc', ('dir',)), ('etc/motd', b'motd\n'), ('etc/motd-link', ('sym', 'motd')),
                   ('etc/motd-hard', ('hard', 'etc/motd')), ('etc/.wh.gone', b''),
                   ('opq', ('dir',)), ('opq/.wh..wh..opq', b''), ('dev', ('dir',)),
                   ('dev/null-test', ('chr', 1, 3)),
                   # over 100 bytes: the name goes in a pax header (path=)
                   ('opq/' + 'long-name.' * 11, b'pax\n')])


def _image(layers, gz=False):
    """(config bytes, manifest bytes, [(layer blob, media type)]) for layers."""
    blobs = [(_gzip.compress(l, mtime=0) if gz else l,
              A_OCI + ('layer.v1.tar+gzip' if gz else 'layer.v1.tar')) for l in layers]
    config = _cj({'architecture': 'amd64', 'os': 'linux', 'created': '2026-01-01T00:00:00Z',
                  'config': {'Cmd': ['/hello'], 'Env': ['PATH=/bin']},
                  'rootfs': {'type': 'layers', 'diff_ids': [_sha(l) for l in layers]}})
    manifest = _cj({'schemaVersion': 2, 'mediaType': A_OCI + 'manifest.v1+json',
                    'config': desc(A_OCI + 'config.v1+json', _sha(config), len(config)),
                    'layers': [desc(mt, _sha(b), len(b)) for b, mt in blobs]})
    return config, manifest, blobs


def _oci_members(layers, gz=False, name='localhost/fuzz:1'):
    config, manifest, blobs = _image(layers, gz)
    index = _cj({'schemaVersion': 2, 'mediaType': A_OCI + 'index.v1+json',
                 'manifests': [desc(A_OCI + 'manifest.v1+json', _sha(manifest), len(manifest),
                                    annotations={'io.containerd.image.name': name,
                                                 'org.opencontainers.image.ref.name': '1'})]})
    blob_members = [('blobs/sha256/' + _sha(b)[7:], b) for b in [config, manifest] +
                    [b for b, _ in blobs]]
    return ([('oci-layout', _cj({'imageLayoutVersion': '1.0.0'})), ('index.json', index),
             ('blobs', ('dir',)), ('blobs/sha256', ('dir',))] + blob_members,
            config, blobs)


def _docker_members(layers, legacy=False, tags=('localhost/fuzz:1',)):
    config, _, _ = _image(layers)
    cname = _sha(config)[7:] + '.json'
    members = [(cname, config)]
    names = []
    for i, l in enumerate(layers):
        lname = _sha(l)[7:] + '.tar'
        members.append((lname, l))
        if legacy:
            lid = '%064x' % (i + 1)
            members += [(lid, ('dir',)), (lid + '/VERSION', b'1.0'),
                        (lid + '/json', _cj({'id': lid})),
                        (lid + '/layer.tar', ('sym', '../' + lname))]
            lname = lid + '/layer.tar'
        names.append(lname)
    members.append(('manifest.json', _cj([{'Config': cname, 'RepoTags': list(tags),
                                           'Layers': names}])))
    members.append(('repositories', _cj({'localhost/fuzz': {'1': names[-1][:64]}})))
    return members


put('image_archive', 'oci.tar', _tar(_oci_members([LAYER_ONE])[0]))
put('image_archive', 'oci-gzip-layer.tar', _tar(_oci_members([LAYER_ONE], gz=True)[0]))
put('image_archive', 'oci-two-layers.tar', _tar(_oci_members([LAYER_ONE, LAYER_RICH])[0]))
put('image_archive', 'docker.tar', _tar(_docker_members([LAYER_ONE])))
put('image_archive', 'docker-legacy.tar', _tar(sorted(_docker_members([LAYER_ONE], legacy=True))))
put('image_archive', 'docker-rich.tar', _tar(_docker_members(
    [LAYER_RICH], tags=('busybox', 'localhost/fuzz:1', 'docker.io/library/busybox:latest', 'Bad Tag'))))
put('image_archive', 'docker.tar.gz', _gzip.compress(_tar(_docker_members([LAYER_ONE])), mtime=0))
if _shutil.which('zstd'):
    put('image_archive', 'oci.tar.zst', subprocess.run(
        ['zstd', '-q', '-c', '-3'], input=_tar(_oci_members([LAYER_ONE])[0]),
        stdout=subprocess.PIPE, check=True).stdout)
# Docker >= 25 writes both layouts in one tar: index.json wins.
_m, _config, _blobs = _oci_members([LAYER_ONE])
_m.append(('manifest.json', _cj([{'Config': 'blobs/sha256/' + _sha(_config)[7:],
                                  'RepoTags': ['localhost/fuzz:1'],
                                  'Layers': ['blobs/sha256/' + _sha(b)[7:] for b, _ in _blobs]}])))
put('image_archive', 'docker25-both.tar', _tar(_m))
# A hardlinked manifest.json and a layer reached through two symlinks.
_d = _docker_members([LAYER_ONE])
_d = [(n, w) for n, w in _d if n != 'manifest.json'] + [
    ('real-manifest', dict(_d)['manifest.json']), ('manifest.json', ('hard', 'real-manifest'))]
put('image_archive', 'docker-links.tar', _tar(_d))

# Binary tokens too (tar and compression magics): every byte that is
# not printable ASCII is written as \xNN.
def _write_bytes_dict(name, words, extra):
    def esc(s):
        return ''.join(c if ' ' <= c <= '~' and c not in '"\\' else '\\x%02x' % ord(c)
                       for c in s)
    lines = ['# Generated by tests/fuzz/make-seeds.py: tokens for libFuzzer -dict.']
    lines += ['"%s"' % esc(t) for t in extra]
    lines += ['"%s"' % esc('"%s"' % w) for w in sorted(words)]
    with open(os.path.join(top, 'tests', 'fuzz', name), 'w') as f:
        f.write('\n'.join(lines) + '\n')


_write_bytes_dict('image_archive.dict', {
    'RepoTags', 'Layers', 'Config', 'schemaVersion', 'mediaType', 'manifests', 'digest', 'size',
    'config', 'layers', 'annotations', 'platform', 'architecture', 'os', 'variant', 'rootfs',
    'diff_ids', 'type', 'imageLayoutVersion', 'io.containerd.image.name',
    'org.opencontainers.image.ref.name', 'amd64', 'linux'} |
    {A_OCI + t for t in ('index.v1+json', 'manifest.v1+json', 'config.v1+json', 'layer.v1.tar',
                         'layer.v1.tar+gzip', 'layer.v1.tar+zstd')} |
    {'application/vnd.docker.distribution.manifest.v2+json',
     'application/vnd.docker.distribution.manifest.list.v2+json',
     'application/vnd.docker.container.image.v1+json',
     'application/vnd.docker.image.rootfs.diff.tar.gzip'},
    ['manifest.json', 'index.json', 'oci-layout', 'repositories', 'blobs/sha256/', '/layer.tar',
     '.tar', '.json', '../', './', '/', 'sha256:', '0123456789abcdef0123456789abcdef',
     'ustar\x0000', 'ustar  \x00', '\x1f\x8b\x08', '\x28\xb5\x2f\xfd', '././@LongLink',
     'path=', 'linkpath=', 'size=', 'SCHILY.xattr.', 'LIBARCHIVE.xattr.', '.wh.', '.wh..wh..opq',
     '{', '}', '[', ']', ':', ',', 'null', '-1'])
