"""Offline stand-in for ansible-test's pip bootstrap download.

ansible-test fetches get-pip.py from a host this machine cannot reach; this
file is saved where it looks for a cached copy. It installs pip from the
standard library's bundled wheel and then the requested packages from PyPI.
"""

import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap()
args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
env = dict(os.environ)
if os.path.exists('/etc/ssl/certs/ca-certificates.crt'):
    env.setdefault('PIP_CERT', '/etc/ssl/certs/ca-certificates.crt')
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '--disable-pip-version-check'] + args, env=env))
