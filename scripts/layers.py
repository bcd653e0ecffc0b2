"""The layering rules of plugins/, and the one reader of its imports.

Usage:

    python scripts/layers.py check [ROOT]   every violation as ``path:line: what is wrong``; exit 1 on any
    python scripts/layers.py dot [ROOT]     the import graph of ROOT/plugins/ as Graphviz DOT

ROOT is the collection's checkout (default: the one this file is in). As a library:
``check(root)`` returns the violations, ``read_imports(root)`` the imports of the collection that
plugins/ makes, ``dot(root)`` the picture (`make docs` writes it to docs/architecture.dot and .svg).
tests/unit/test_layering.py loads this file by its path and holds the tree to these rules.

Every .py under plugins/ is read with ``ast``, imports at module level and inside functions alike,
and so are ``importlib.import_module('...')`` and ``__import__('...')`` of a string literal.
Standard library only, and Python 3.9+: the version matrix runs the unit tests under every
ansible-core it supports.
"""

import ast
import collections
import os
import sys

PACKAGE = 'ansible_collections.labnet.docker'

# The parts of plugins/ and the parts each may import (its own included only when listed).
PARTS = {
    # An entry point is its documentation, its argument spec and main(): what it does lives in
    # module_utils, where the other entry points and the filters can share it. AnsiballZ ships a
    # module to the managed host with the module_utils it imports and nothing else of the
    # collection: an import of another module or of a filter would fail there.
    'modules': ('module_utils',),
    # A filter is a thin wrapper around module_utils' pure functions (lab files, labels, checks).
    # Code two filters share goes to module_utils, where a module can use it too; a filter never
    # imports an entry point (a module file is a main() for the managed host).
    'filter': ('module_utils',),
    # A documentation fragment is YAML text in a class, merged into every module's documentation
    # (ansible-doc, the docs site, sanity): it needs nothing of the collection.
    'doc_fragments': (),
    # module_utils is what modules and filters stand on: reaching back up into them would be a
    # cycle, and module_utils travels to the managed host, where no module or filter file is.
    'module_utils': ('module_utils',),
}

# The families of plugins/module_utils/<family>/ and the other families each may import. A family
# lower in this list never imports a higher one, so the table must stay acyclic (check_table).
FAMILIES = {
    # What every family shares (client, errors, changes, lookup, containers, journal, the endpoint
    # settings): it knows no resource's rules, so it imports no family.
    'common': (),
    # Networks are the base resource: their spec, planner and writes stand on common alone.
    'network': ('common',),
    # An attachment is a container's endpoint on a network: it finds the network and finishes a
    # network's half-done change (network.recovery) before touching its endpoints.
    'attachment': ('common', 'network'),
    # network_info lists and inspects: the shared lookup rules and the journal are all it needs.
    'info': ('common',),
    # Pruning removes networks, finishing their journals first (network.recovery).
    'prune': ('common', 'network'),
    # Probes look at containers and send packets; they plan no network or attachment.
    'probe': ('common',),
    # A topology is many networks and attachments: it calls their planners and writers.
    'topology': ('common', 'network', 'attachment'),
    # A lab file plans a whole lab for the lab role: networks, attachments, topology, and the probes
    # that check it.
    'lab': ('common', 'network', 'attachment', 'topology', 'probe'),
}

# The layers inside a family, lowest first. A file imports files of its own family of its own
# layer or a lower one, never a higher one: what is pure stays pure (testable without a daemon or
# a fake), and nothing reads or writes before a plan is made.
LAYER_ORDER = (
    'spec',   # pure: parameters, option tables, normalising, comparing
    'plan',   # pure: desired spec + state already read -> the ordered actions, or one error
    'read',   # reads the daemon, through an injected DockerApi
    'apply',  # writes: performs a plan's actions
)

# Every file of every family, by name (without .py), and its layer. A new file gets its row here,
# so nobody adds a file without placing it. common's files have no layer (None): everything there
# is shared by every layer of every family; only an import cycle among them is refused.
# __init__.py files are allowed anywhere and have no layer.
LAYERS = {
    'common': {
        'changes': None, 'client': None, 'connection': None, 'containers': None, 'endpoint': None,
        'errors': None, 'journal': None, 'labels': None, 'lookup': None, 'swarm': None, 'timespec': None,
    },
    'network': {
        'options': 'spec', 'spec': 'spec', 'driver_options': 'spec', 'pools': 'spec', 'addresses': 'spec',
        'subnets': 'spec',  # free subnets, the n-th host, containment: address arithmetic
        'kinds': 'spec',  # the kinds of option the table's rows name: read, normalise, write a value
        'plan': 'plan', 'read': 'read', 'apply': 'apply',
        'recovery': 'apply',  # finishes a half-done change from its journal: it writes
    },
    'attachment': {
        'spec': 'spec', 'plan': 'plan',
        'strays': 'plan',  # which endpoints `exclusive` removes: decided from state already read
        'read': 'read', 'apply': 'apply',
    },
    'topology': {'spec': 'spec', 'plan': 'plan', 'read': 'read', 'apply': 'apply'},
    'prune': {'spec': 'spec', 'plan': 'plan', 'read': 'read', 'apply': 'apply'},
    'info': {'spec': 'spec', 'read': 'read'},
    'probe': {
        'spec': 'spec',
        'tools': 'spec',  # busybox command lines and parsing their output: pure
        'interfaces': 'spec',  # what `ip` and facts show of interfaces: reading text, pure
        'host': 'apply', 'run': 'apply',  # they run commands (probes from the host, in containers)
    },
    'lab': {
        'spec': 'spec', 'matrix': 'plan',
        # probe results -> check rows, the report and its renderings: pure, drawn from the plan and what
        # was observed (the report reads the matrix's observation of the containers)
        'checks': 'plan', 'report': 'plan', 'render': 'plan',
        'read': 'read',  # the lab's containers, before the plan and after the converge
        'apply': 'apply',  # labnet.docker.lab: the whole lab converged in dependency order
        'containers': 'plan',  # (issue 28) declared containers + the daemon's records -> the steps: pure
    },
}

THIS_FILE = 'scripts/layers.py'

Import = collections.namedtuple('Import', 'path line name target')
Import.__doc__ = """One import of the collection made by a file under plugins/.

path: the importing file, relative to the root ('plugins/module_utils/network/plan.py');
line: the line of the import; name: the dotted name imported, made absolute;
target: the file it resolves to (relative to the root), the package folder when it names a package
with no file for the name, or None when the collection has no such module under plugins/.
"""

Place = collections.namedtuple('Place', 'part family name layer')
Place.__doc__ = """Where a file under plugins/ sits: its part, its family and name in module_utils, its layer."""

_NO_LAYER = object()


# ----------------------------------------------------------------------------- reading imports

def plugin_files(root):
    """Every .py file under root/plugins/, relative to root with '/', sorted."""
    found = []
    for folder, dirs, names in os.walk(os.path.join(root, 'plugins')):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for name in names:
            if name.endswith('.py'):
                found.append(_relative(root, os.path.join(folder, name)))
    return sorted(found)


def _relative(root, path):
    return os.path.relpath(path, root).replace(os.sep, '/')


def _resolve(root, dotted):
    """The file or package folder under plugins/ that a dotted name of the collection is, or None."""
    if not dotted.startswith(PACKAGE + '.'):
        return None
    parts = dotted[len(PACKAGE) + 1:].split('.')
    if parts[0] != 'plugins':
        return None
    base = os.path.join(root, *parts)
    if os.path.isfile(base + '.py'):
        return _relative(root, base + '.py')
    if os.path.isfile(os.path.join(base, '__init__.py')):
        return _relative(root, os.path.join(base, '__init__.py'))
    if os.path.isdir(base):
        return _relative(root, base)
    return None


def _package_of(path):
    """The dotted package a file under the root belongs to (its folder, as Python imports it)."""
    folder = path.rsplit('/', 1)[0] if '/' in path else ''
    return '.'.join([PACKAGE] + [part for part in folder.split('/') if part])


def _relative_to(package, module, level):
    """A relative name made absolute: ``module`` imported with ``level`` dots from inside ``package``."""
    base = package.split('.')
    if level > 1:
        base = base[:-(level - 1)]
    return '.'.join(base + ([module] if module else []))


def _absolute(path, module, level):
    """The module of an import statement in ``path`` made absolute (``from ..common import x``)."""
    return _relative_to(_package_of(path), module, level) if level else module


def _targets(root, module, names):
    """(name, target) for ``from module import names``: a name that is a module of its own is that module."""
    found = []
    for name in names:
        dotted = module + '.' + name
        target = _resolve(root, dotted) if name != '*' else None
        if target is None or not target.startswith('plugins/'):
            dotted, target = module, _resolve(root, module)
        found.append((dotted, target))
    return found


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_imports(root, path, node):
    """(name, target) for importlib.import_module('...') and __import__('...') with a string literal."""
    func = node.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if called not in ('import_module', '__import__') or not node.args:
        return []
    name = _literal(node.args[0])
    if name is None:
        return []
    keywords = {keyword.arg: keyword.value for keyword in node.keywords}
    if called == 'import_module':
        if name.startswith('.'):  # import_module('.x', package='...'): relative to a literal package only
            package = _literal(node.args[1]) if len(node.args) > 1 else _literal(keywords.get('package'))
            if package is None:
                return []
            stripped = name.lstrip('.')
            name = _relative_to(package, stripped, len(name) - len(stripped))
        return [(name, _resolve(root, name))]
    if not name.startswith(PACKAGE + '.'):
        return []
    fromlist = node.args[3] if len(node.args) > 3 else keywords.get('fromlist')
    names = [_literal(item) for item in fromlist.elts] if isinstance(fromlist, (ast.List, ast.Tuple)) else []
    names = [item for item in names if item]
    return _targets(root, name, names) if names else [(name, _resolve(root, name))]


def file_imports(root, path):
    """The imports of the collection that one file makes (an Import each), or raises SyntaxError."""
    with open(os.path.join(root, path), encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), filename=path)
    found = set()
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.Import):
            pairs = [(alias.name, _resolve(root, alias.name)) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node.module, node.level)
            pairs = _targets(root, module, [alias.name for alias in node.names])
        elif isinstance(node, ast.Call):
            pairs = _call_imports(root, path, node)
        for name, target in pairs:
            if name == PACKAGE or name.startswith(PACKAGE + '.'):
                found.add(Import(path, node.lineno, name, target))
    return sorted(found)


def read_imports(root):
    """Every import of the collection made under root/plugins/, sorted; files that do not parse are left out."""
    found = []
    for path in plugin_files(root):
        try:
            found.extend(file_imports(root, path))
        except SyntaxError:
            pass
    return found


# ----------------------------------------------------------------------------- places and rules

def place(path, layers=None):
    """Where a file under plugins/ sits. part is None for a folder that is no part of PARTS; layer is
    None where layers do not apply (outside module_utils, __init__.py, common) and _NO_LAYER for a
    module_utils file the table does not place."""
    layers = LAYERS if layers is None else layers
    parts = path.split('/')
    if len(parts) < 3 or parts[0] != 'plugins' or parts[1] not in PARTS:
        return Place(None, None, path, None)
    part, rest = parts[1], parts[2:]
    name = '/'.join(rest)[:-len('.py')] if path.endswith('.py') else '/'.join(rest)
    if part != 'module_utils':
        return Place(part, None, name, None)
    if rest[-1] == '__init__.py':
        return Place(part, rest[0] if len(rest) > 1 else None, name, None)
    if len(rest) < 2:
        return Place(part, None, name, _NO_LAYER)
    family, name = rest[0], name[len(rest[0]) + 1:]
    table = layers.get(family)
    return Place(part, family, name, table.get(name, _NO_LAYER) if table is not None else _NO_LAYER)


def _short(path):
    """A file's name as the messages give it: family/name.py inside module_utils, else its path."""
    prefix = 'plugins/module_utils/'
    return path[len(prefix):] if path.startswith(prefix) else path


def _table_line(name):
    """The line of this file where the table ``name`` is assigned (violations of the table point there)."""
    try:
        with open(os.path.abspath(__file__), encoding='utf-8') as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError):
        return 1
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == name for t in node.targets):
            return node.lineno
    return 1


def check_table(families=None, layers=None):
    """What is wrong with the tables themselves: unknown families or layers, and any family cycle."""
    families = FAMILIES if families is None else families
    layers = LAYERS if layers is None else layers
    problems = []
    where = '%s:%d' % (THIS_FILE, _table_line('FAMILIES'))
    for family, allowed in sorted(families.items()):
        for other in allowed:
            if other not in families:
                problems.append('%s: FAMILIES: %s may import %s, which is no family of the table' % (where, family, other))
    for family in sorted(set(families) ^ set(layers)):
        table = 'LAYERS' if family in families else 'FAMILIES'
        problems.append('%s: family %s has no row in %s' % (where, family, table))
    layer_line = '%s:%d' % (THIS_FILE, _table_line('LAYERS'))
    for family, table in sorted(layers.items()):
        for name, layer in sorted(table.items()):
            if layer is not None and layer not in LAYER_ORDER:
                problems.append('%s: LAYERS: %s/%s.py has layer %r, which is none of %s'
                                % (layer_line, family, name, layer, ', '.join(LAYER_ORDER)))
    graph = {family: [other for other in allowed if other in families and other != family]
             for family, allowed in families.items()}
    for cycle in _cycles(graph):
        problems.append('%s: FAMILIES is not acyclic: %s' % (where, ' -> '.join(cycle + [cycle[0]])))
    return problems


def _cycles(graph):
    """One cycle (a list of nodes, smallest first) per strongly connected component that has one, sorted."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []

    def visit(node):  # Tarjan's algorithm; the graphs here are a few dozen nodes, recursion is fine
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            components.append(set(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles = []
    for component in components:
        start = min(component)
        if len(component) == 1 and start not in graph.get(start, ()):
            continue
        cycles.append(_cycle_through(graph, start, component))
    return sorted(cycles)


def _cycle_through(graph, start, component):
    """The shortest cycle from start back to start inside component (breadth first, sorted neighbours)."""
    previous = {}
    queue = collections.deque([start])
    while queue:
        node = queue.popleft()
        for other in sorted(graph.get(node, ())):
            if other not in component:
                continue
            if other == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if other not in previous:
                previous[other] = node
                queue.append(other)
    return [start]


def check(root, families=None, layers=None):
    """Every violation of the rules in root/plugins/, as sorted 'path:line: what is wrong' strings."""
    families = FAMILIES if families is None else families
    layers = LAYERS if layers is None else layers
    problems = []  # (path, line, message)
    imports = []
    for path in plugin_files(root):
        where = place(path, layers)
        if path.endswith('/__init__.py'):
            pass  # allowed anywhere, no layer
        elif where.part is None:
            problems.append((path, 1, '%s is in no part of %s PARTS (plugins/modules, filter, doc_fragments, '
                                      'module_utils/<family>)' % (path, THIS_FILE)))
        elif where.part == 'module_utils' and where.family is None:
            problems.append((path, 1, '%s is in no family: module_utils files live in module_utils/<family>/'
                             % path))
        elif where.part == 'module_utils' and where.family not in layers:
            problems.append((path, 1, '%s: family %s has no row in %s LAYERS%s'
                             % (_short(path), where.family, THIS_FILE, '' if where.family in families else ' and FAMILIES')))
        elif where.layer is _NO_LAYER:
            problems.append((path, 1, '%s has no layer in %s LAYERS' % (_short(path), THIS_FILE)))
        try:
            imports.extend(file_imports(root, path))
        except SyntaxError as exc:
            problems.append((path, exc.lineno or 1, 'cannot be parsed: %s' % exc.msg))

    edges = collections.defaultdict(dict)  # family -> file -> {imported file: line}
    for item in imports:
        problems.extend(_import_problems(item, families, layers, edges))

    for family in sorted(edges):
        graph = {path: sorted(targets) for path, targets in edges[family].items()}
        for cycle in _cycles(graph):
            steps = ['%s:%d' % (_short(path), edges[family][path][cycle[(i + 1) % len(cycle)]])
                     for i, path in enumerate(cycle)]
            first = cycle[0]
            problems.append((first, edges[family][first][cycle[1 % len(cycle)]],
                             'import cycle in %s: %s -> %s' % (family, ' -> '.join(steps), _short(first))))
    lines = ['%s:%d: %s' % problem for problem in sorted(set(problems))]
    return check_table(families, layers) + lines


def _import_problems(item, families, layers, edges):
    """The problems of one import, adding it to ``edges`` when it stays inside one family."""
    source = place(item.path, layers)
    if item.target is None:
        return [(item.path, item.line, 'imports %s, which is no module under plugins/' % item.name)]
    target = place(item.target, layers) if item.target.endswith('.py') else \
        place(item.target + '/__init__.py', layers)
    if source.part is None or target.part is None:
        return []  # the file that is in no part is reported once, not at each import
    if target.part not in PARTS[source.part]:
        allowed = ['plugins/' + part for part in PARTS[source.part]]
        return [(item.path, item.line, 'imports %s, but %s' % (item.target, (
            '%s may import only %s' % (source.part, ', '.join(allowed)) if allowed else
            '%s import nothing of the collection' % source.part)))]
    if source.part != 'module_utils' or source.family not in families or target.family is None:
        return []
    if target.family != source.family:
        allowed = families[source.family]
        if target.family not in allowed:
            return [(item.path, item.line, 'imports %s, but family %s may import only %s'
                     % (_short(item.target), source.family, ', '.join([source.family] + list(allowed))))]
        # The layers hold across families too: a planner that imported another family's read or apply
        # file would read or write through it, and be pure no more.
        if source.layer in LAYER_ORDER and target.layer in LAYER_ORDER:
            rank = LAYER_ORDER.index(source.layer)
            if LAYER_ORDER.index(target.layer) > rank:
                return [(item.path, item.line, 'imports %s (%s), but a %s file may import only %s files of any family'
                         % (_short(item.target), target.layer, source.layer, ' and '.join(LAYER_ORDER[:rank + 1])))]
        return []
    if not item.target.endswith('.py') or item.target.endswith('/__init__.py'):
        return []
    edges[source.family].setdefault(item.path, {}).setdefault(item.target, item.line)
    if source.layer in LAYER_ORDER and target.layer in LAYER_ORDER:
        rank = LAYER_ORDER.index(source.layer)
        if LAYER_ORDER.index(target.layer) > rank:
            return [(item.path, item.line, 'imports %s (%s), but a %s file may import only %s files of %s'
                     % (_short(item.target), target.layer, source.layer,
                        ' and '.join(LAYER_ORDER[:rank + 1]), source.family))]
    return []


# ----------------------------------------------------------------------------- the picture

# Fill colours of the layers, the legend's too; common's files and the parts outside module_utils are white.
LAYER_COLOURS = {'spec': '#d9ead3', 'plan': '#cfe2f3', 'read': '#fff2cc', 'apply': '#f4cccc'}

PART_TITLES = {
    'modules': 'plugins/modules (entry points)',
    'filter': 'plugins/filter',
    'doc_fragments': 'plugins/doc_fragments',
}


def _quote(text):
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def _node_id(path):
    """A node's id: its path under plugins/ without .py (module_utils/ dropped), e.g. network/plan."""
    return _short(path)[len('plugins/'):-3] if not path.startswith('plugins/module_utils/') else _short(path)[:-3]


def dot(root, families=None, layers=None):
    """The import graph of root/plugins/ as Graphviz DOT text, sorted (the same tree gives the same text).

    One cluster per part and per family: the entry points on top, then the families in the order
    they import each other, common at the bottom. Inside a family every file is a node, coloured
    by its layer, the files of one layer on one rank, and every import between its files an edge:
    that is where the layers show. Between families there is one edge per pair (from the
    importer's bottom to the imported family's top), and one per entry point or filter and family
    it imports: drawn file to file, the imports of common alone (half of all of them) hide
    everything else, and which file imports what is check()'s to say. Each cluster hangs between
    an invisible top and bottom point, so a family is drawn wholly below the ones that import it.
    An edge that breaks a rule is red; `python scripts/layers.py check` names the rule.
    """
    families = FAMILIES if families is None else families
    layers = LAYERS if layers is None else layers
    files = [path for path in plugin_files(root) if not path.endswith('/__init__.py')]
    known = set(files)
    places = {path: place(path, layers) for path in files}
    groups = collections.defaultdict(list)  # cluster -> its files
    for path in files:
        groups[_cluster(places[path])].append(path)

    edges = {}  # (tail node, head node) -> breaks a rule
    inside = collections.defaultdict(lambda: collections.defaultdict(list))  # cluster -> file graph
    scratch = collections.defaultdict(dict)
    for item in read_imports(root):
        if item.path not in known or item.target not in known or item.path == item.target:
            continue
        tail, head = _cluster(places[item.path]), _cluster(places[item.target])
        if tail == head:
            key = (_node_id(item.path), _node_id(item.target))
            inside[tail][item.path].append(item.target)
        elif places[item.path].part == 'module_utils':
            key = (_port(tail, 'bottom'), _port(head, 'top'))
        else:
            key = (_node_id(item.path), _port(head, 'top'))
        edges[key] = edges.get(key, False) or bool(_import_problems(item, families, layers, scratch))
    for cluster in inside:
        for cycle in _cycles(inside[cluster]):
            for i, path in enumerate(cycle):
                edges[(_node_id(path), _node_id(cycle[(i + 1) % len(cycle)]))] = True

    order = list(PART_TITLES) + list(reversed(list(families)))
    order += sorted(key for key in groups if key not in order)
    out = [
        '// The import graph of plugins/, generated by `python scripts/layers.py dot` (make docs): do not edit.',
        'digraph layers {',
        '  graph [rankdir=TB, newrank=true, nodesep=0.2, ranksep=0.3, fontname="Helvetica", fontsize=12,',
        '         labelloc=t, label="labnet.docker: the imports of plugins/ (an arrow points at what is imported)"];',
        '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=10, height=0.3];',
        '  edge [color="#666666", arrowsize=0.6];',
    ]
    hidden = []
    for key in order:
        if key not in groups:
            continue
        title = PART_TITLES.get(key) or 'module_utils/%s' % key
        out.append('  subgraph %s {' % _quote('cluster_' + key))
        out.append('    label=%s; style="rounded"; color="#999999";' % _quote(title))
        out.append('    %s [shape=point, style=invis, width=0];' % _quote(_port(key, 'top')))
        out.append('    %s [shape=point, style=invis, width=0];' % _quote(_port(key, 'bottom')))
        by_layer = collections.defaultdict(list)
        for path in sorted(groups[key]):
            where = places[path]
            attributes = ['label=%s' % _quote(path.rsplit('/', 1)[1])]
            if where.layer in LAYER_ORDER:
                attributes.append('fillcolor=%s' % _quote(LAYER_COLOURS[where.layer]))
                by_layer[where.layer].append(path)
            elif where.layer is _NO_LAYER:
                attributes.append('style="rounded,dashed"')  # in no table: check() names it
            elif where.part != 'module_utils':
                by_layer[where.part].append(path)  # entry points on one rank, filters on one rank
            out.append('    %s [%s];' % (_quote(_node_id(path)), ', '.join(attributes)))
            hidden.append((_port(key, 'top'), _node_id(path)))
            hidden.append((_node_id(path), _port(key, 'bottom')))
        for layer in sorted(by_layer):
            if len(by_layer[layer]) > 1:
                out.append('    { rank=same; %s; }' % '; '.join(_quote(_node_id(path)) for path in by_layer[layer]))
        out.append('  }')
    # The entry points on top, the filters and fragments on the row below (one row of all three is too
    # wide to read on a page), and every family below them.
    for key in order:
        if key in groups and key != 'modules':
            hidden.append((_port('modules', 'bottom'), _port(key, 'top')))
        if key in groups and key not in PART_TITLES and 'filter' in groups:
            hidden.append((_port('filter', 'bottom'), _port(key, 'top')))
    out.append('  subgraph cluster_legend {')
    out.append('    label="layers"; style="rounded"; color="#999999"; fontsize=10;')
    for layer in reversed(LAYER_ORDER):
        out.append('    %s [label=%s, fillcolor=%s];'
                   % (_quote('legend ' + layer), _quote(layer), _quote(LAYER_COLOURS[layer])))
    out.append('    "legend wrong" [label="breaks a rule", shape=plain, fontcolor="#cc0000"];')
    out.append('    %s [style=invis];' % ' -> '.join(_quote('legend ' + layer) for layer in reversed(LAYER_ORDER)))
    out.append('    "legend spec" -> "legend wrong" [color="#cc0000"];')
    out.append('  }')
    lines = ['  %s -> %s%s;' % (_quote(tail), _quote(head), ' [color="#cc0000", penwidth=1.5]' if wrong else '')
             for (tail, head), wrong in edges.items()]
    lines += ['  %s -> %s [style=invis, weight=8];' % (_quote(tail), _quote(head)) for tail, head in set(hidden)]
    out.extend(sorted(lines))
    out.append('}')
    return '\n'.join(out) + '\n'


def _port(cluster, end):
    """The invisible point at the top or bottom of a cluster."""
    return '%s %s' % (cluster, end)


def _cluster(where):
    """The cluster a file is drawn in: its family inside module_utils, else its part."""
    if where.part == 'module_utils':
        return where.family or 'module_utils'
    return where.part or 'other'


# ----------------------------------------------------------------------------- command line

def main(argv):
    if len(argv) not in (2, 3) or argv[1] not in ('check', 'dot'):
        sys.stderr.write('usage: python scripts/layers.py check|dot [ROOT]\n')
        return 2
    root = argv[2] if len(argv) == 3 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if argv[1] == 'dot':
        sys.stdout.write(dot(root))
        return 0
    problems = check(root)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
