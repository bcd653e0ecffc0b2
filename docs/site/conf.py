# Sphinx configuration of the labnet.docker docs site; `make docs` (scripts/docs.sh) builds it.
# The build is offline and warnings are errors (sphinx-build -W): every reference must resolve,
# either inside this site or through the small inventory of Ansible docs pages written below.

import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'build', 'docs')

# Pages outside this site that the generated pages refer to (antsibull-docs' module template,
# and M() references in the plugins' docs), by their label on docs.ansible.com. Fetching the
# real inventory would need the internet; a reference missing here still fails the build.
ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'
EXTERNAL_LABELS = {
    'common_return_values': ('reference_appendices/common_return_values.html', 'Return Values'),
    'ansible_configuration_settings': ('reference_appendices/config.html', 'Ansible Configuration Settings'),
    'ansible_collections.ansible.builtin.setup_module': (
        'collections/ansible/builtin/setup_module.html', 'ansible.builtin.setup module'),
    'ansible_collections.community.docker.docker_container_info_module': (
        'collections/community/docker/docker_container_info_module.html', 'community.docker.docker_container_info module'),
    'ansible_collections.community.docker.docker_host_info_module': (
        'collections/community/docker/docker_host_info_module.html', 'community.docker.docker_host_info module'),
}


def _write_inventory(path):
    """An intersphinx inventory (version 2) of EXTERNAL_LABELS."""
    lines = ''.join('%s std:label -1 %s %s\n' % (label, uri, title)
                    for label, (uri, title) in sorted(EXTERNAL_LABELS.items()))
    header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as handle:
        handle.write(header.encode() + zlib.compress(lines.encode()))


_INVENTORY = os.path.join(BUILD, 'ansible-external.inv')
_write_inventory(_INVENTORY)
intersphinx_mapping = {'ansible_devel': (ANSIBLE_DOCS, _INVENTORY)}

project = 'labnet.docker'
copyright = 'labnet.docker contributors'
title = 'labnet.docker documentation'
html_short_title = 'labnet.docker'

extensions = ['sphinx.ext.intersphinx', 'sphinx_antsibull_ext', 'myst_parser']
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}

pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'

html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = 'any'
nitpicky = True
